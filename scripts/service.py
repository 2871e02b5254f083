"""Starts and stops the development servers that mk/*.mk runs (Neo4j, Fuseki), with pid and log files.

`start` runs a command in the background in its own session, its output in a log file, and waits
until it answers on 127.0.0.1:PORT (and, if asked, until its log shows a ready line and a real Neo4j
login or an HTTP GET works); on failure it prints the tail of the log and stops what it started.
`stop` sends SIGTERM and waits (SIGKILL after --timeout).
Both are idempotent: start on a running server and stop on a stopped one say so and succeed.
`status` exits 0 when the server is running, 1 when it is not.
Uses only the standard library, except the neo4j driver for --neo4j-login.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def is_ours(pid: int, match: str) -> bool:
    """True when pid is a live process whose command line contains match (not a reused pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    if match not in cmdline:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def running_pid(pid_file: Path, match: str) -> int | None:
    pid = read_pid(pid_file)
    if pid is not None and is_ours(pid, match):
        return pid
    return None


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def neo4j_login(port: int) -> str | None:
    """None when user neo4j logs in over Bolt with NEO4J_PASSWORD, else the reason it did not."""
    import neo4j

    password = os.environ.get("NEO4J_PASSWORD", "policykg-dev")
    user = os.environ.get("NEO4J_USER", "neo4j")
    try:
        with neo4j.GraphDatabase.driver(f"bolt://{HOST}:{port}", auth=(user, password)) as driver:
            driver.verify_connectivity()
            driver.execute_query("RETURN 1")
    except Exception as exc:  # any failure means "not ready yet"; the last one is reported
        return f"{type(exc).__name__}: {exc}"
    return None


def http_ok(port: int, path: str) -> str | None:
    """None when GET http://127.0.0.1:PORT/PATH answers 200, else the reason it did not."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=5) as response:
            if response.status == 200:
                return None
            return f"HTTP {response.status}"
    except (urllib.error.URLError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"


def log_tail(log: Path, lines: int = 40) -> str:
    try:
        text = log.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return f"(no log at {log})"
    return "\n".join(text[-lines:]) or f"({log} is empty)"


def terminate(pid: int, match: str, timeout: float) -> bool:
    """SIGTERM, then wait up to timeout seconds; SIGKILL if it is still there. True if it stopped cleanly."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_ours(pid, match):
            return True
        time.sleep(0.2)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    return False


def start(args: argparse.Namespace) -> int:
    name, port, pid_file, log = args.name, args.port, Path(args.pid_file), Path(args.log)
    pid = running_pid(pid_file, args.match)
    if pid is not None:
        if port_open(port):
            print(f"{name}: already running on {HOST}:{port} (pid {pid}); `make {name}-stop` stops it")
            return 0
        print(f"{name}-start: the {name} in {pid_file} (pid {pid}) does not answer on {HOST}:{port}; "
              f"stop it with `make {name}-stop`, or give this one its own pid file", file=sys.stderr)
        return 1
    pid_file.unlink(missing_ok=True)
    if port_open(port):
        print(f"{name}-start: {HOST}:{port} is already in use by another program; stop it or choose "
              f"another port (e.g. `make {name}-start {args.port_var}=...`)", file=sys.stderr)
        return 1
    if not args.command:
        print(f"{name}-start: no command given to scripts/service.py", file=sys.stderr)
        return 2
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with open(log, "wb") as out, open(os.devnull, "rb") as devnull:
        process = subprocess.Popen(args.command, stdin=devnull, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    pid_file.write_text(f"{process.pid}\n")

    deadline = began + args.timeout
    reason = "no check ran"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pid_file.unlink(missing_ok=True)
            print(f"{name}-start: {name} exited with code {process.returncode} while starting; "
                  f"last lines of {log}:\n{log_tail(log)}", file=sys.stderr)
            return 1
        if args.ready_text and args.ready_text not in log.read_text(errors="replace"):
            reason = f"{log} does not show {args.ready_text!r} yet"
        elif not port_open(port):
            reason = f"{HOST}:{port} does not accept connections"
        elif args.neo4j_login:
            reason = neo4j_login(port)
        elif args.http_path:
            reason = http_ok(port, args.http_path)
        else:
            reason = None
        if reason is None:
            print(f"{name}: running on {HOST}:{port} (pid {process.pid}, ready after "
                  f"{time.monotonic() - began:.1f} s, log {log})")
            return 0
        time.sleep(0.5)

    terminate(process.pid, args.match, 30)
    process.wait()
    pid_file.unlink(missing_ok=True)
    print(f"{name}-start: {name} not ready after {args.timeout:.0f} s ({reason}); stopped it. "
          f"Last lines of {log}:\n{log_tail(log)}", file=sys.stderr)
    return 1


def stop(args: argparse.Namespace) -> int:
    name, pid_file = args.name, Path(args.pid_file)
    pid = running_pid(pid_file, args.match)
    if pid is None:
        if pid_file.exists():
            pid_file.unlink()
            print(f"{name}: not running (removed stale {pid_file})")
        else:
            print(f"{name}: not running")
        return 0
    clean = terminate(pid, args.match, args.timeout)
    pid_file.unlink(missing_ok=True)
    if clean:
        print(f"{name}: stopped (pid {pid})")
    else:
        print(f"{name}: did not stop within {args.timeout:.0f} s of SIGTERM; killed pid {pid}",
              file=sys.stderr)
    return 0


def status(args: argparse.Namespace) -> int:
    pid = running_pid(Path(args.pid_file), args.match)
    print(f"{args.name}: running (pid {pid})" if pid is not None else f"{args.name}: not running")
    return 0 if pid is not None else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="start ... -- COMMAND: the server command follows --")
    sub = parser.add_subparsers(dest="action", required=True)
    for action in ("start", "stop", "status"):
        p = sub.add_parser(action)
        p.add_argument("name", help="service name used in messages and make targets, e.g. neo4j")
        p.add_argument("--pid-file", required=True)
        p.add_argument("--match", required=True,
                       help="text in the server's command line, so a reused pid is never signalled")
        if action == "start":
            p.add_argument("--port", type=int, required=True)
            p.add_argument("--port-var", default="PORT", help="make variable that sets the port")
            p.add_argument("--log", required=True)
            p.add_argument("--timeout", type=float, default=120)
            p.add_argument("--neo4j-login", action="store_true",
                           help="ready only when user neo4j logs in with NEO4J_PASSWORD")
            p.add_argument("--http-path", help="ready only when GET of this path answers 200")
            p.add_argument("--ready-text", help="ready only once the log contains this text")
        elif action == "stop":
            p.add_argument("--timeout", type=float, default=60)
    argv = sys.argv[1:] if argv is None else argv
    command = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[:len(argv) - len(command) - 1] if "--" in argv else argv)
    if args.action == "start":
        args.command = command
        return start(args)
    return stop(args) if args.action == "stop" else status(args)


if __name__ == "__main__":
    sys.exit(main())
