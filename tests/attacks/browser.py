"""What the browser attacks share: the app harness of tests/e2e, a local HTTP listener that
records every request it gets, and a timer of /_stcore/health answers. Everything is on 127.0.0.1.
"""
from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from harness import App, build_store, make_driver, open_and_wait, page_text  # noqa: E402

__all__ = ["App", "build_store", "make_driver", "open_and_wait", "page_text", "Listener", "HealthTimer",
           "worker_pids"]


class Listener:
    """An HTTP server on a free port of 127.0.0.1; `paths` lists every request it received."""

    def __init__(self):
        paths: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server hook
                paths.append(self.path)
                self.send_response(404)
                self.end_headers()

            do_HEAD = do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.paths = paths
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class HealthTimer:
    """Asks `url`/_stcore/health over and over in a thread; `worst` is the slowest answer in
    seconds (a request that fails or takes more than 5 s counts as 5 s)."""

    def __init__(self, url: str):
        self.url = f"{url}/_stcore/health"
        self.times: list[float] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=5) as r:
                    r.read()
                self.times.append(time.monotonic() - t0)
            except OSError:
                self.times.append(5.0)
            time.sleep(0.1)

    def stop(self) -> float:
        self._stop.set()
        self.thread.join(10)
        return self.worst

    @property
    def worst(self) -> float:
        return max(self.times, default=0.0)


def _children(pid: int) -> list[tuple[int, str]]:
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [(int(line.split(None, 1)[0]), line.split(None, 1)[1] if " " in line.strip() else "")
            for line in out.splitlines() if line.strip()]


def worker_pids(app_pid: int) -> list[int]:
    """The app's worker processes (children of its multiprocessing forkserver), from ps."""
    servers = [pid for pid, args in _children(app_pid) if "forkserver" in args]
    return [pid for server in servers for pid, _ in _children(server)]
