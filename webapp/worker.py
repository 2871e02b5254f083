"""Run one piece of the app's heavy work (an upload, an estimate, a console query) in a child
process with a wall-time limit and a memory limit that are enforced by ending the process.

The Streamlit server stays responsive whatever the input does: a regular expression that
backtracks, a query that never ends or a number that takes all memory runs in the child, and
the server's threads keep answering (`/_stcore/health` among them). Children are forked from a
forkserver that has imported the pipeline once, so starting one costs milliseconds, not an
import of rdflib and pyoxigraph. While it waits, `run` updates a status line every quarter
second: Streamlit stops or reruns a script at such a call, and the child is then killed, so a
stopped query stops.

Limits: POLICYKG_WORKER_MEMORY_MB (address space of a child, default 3072) and per-call time
limits given by the views.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from typing import Any

from policykg.errors import PolicyKGError
from policykg.lifetime import end_with_parent

MEMORY_ENV = "POLICYKG_WORKER_MEMORY_MB"
DEFAULT_MEMORY_MB = 3072
MAX_ERROR = 500  # characters of an error shown to the user
PRELOAD = ["ingest.pipeline", "policykg.build", "graph.store", "graph.guard", "analysis.estimate",
           "analysis.profile", "graph.named_queries"]

_context = None


def memory_mb() -> int:
    """The memory limit of a child in MB: $POLICYKG_WORKER_MEMORY_MB, default 3072."""
    raw = os.environ.get(MEMORY_ENV, "")
    try:
        value = int(raw) if raw else DEFAULT_MEMORY_MB
    except ValueError:
        raise PolicyKGError(f"{MEMORY_ENV}={raw[:40]!r} is not a whole number of megabytes") from None
    return max(value, 256)


def _ctx():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def short(message: str) -> str:
    """An error message as one line of at most MAX_ERROR characters.

    >>> short("a\\nb" + "x" * 600)[-30:]   # one line "a b xxx…": 3 + 600 characters
    'xxxxxxxxxxxx… (603 characters)'
    """
    one = " ".join(message.split())
    return one if len(one) <= MAX_ERROR else f"{one[:MAX_ERROR]}… ({len(one)} characters)"


def _child(conn, limit_bytes: int, fn: Callable, args: tuple) -> None:
    """In the child: end with the forkserver (which ends with the app), cap the address space,
    run fn, send the outcome."""
    end_with_parent(os.getppid())
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    try:
        outcome = ("ok", fn(*args))
    except PolicyKGError as exc:
        outcome = ("error", short(str(exc)))
    except MemoryError:
        outcome = ("memory", "")
    except RecursionError:
        outcome = ("error", "the input is nested too deeply to be read")
    except Exception as exc:  # noqa: BLE001 - any failure is reported to the app as one line
        outcome = ("error", short(f"{type(exc).__name__}: {exc}"))
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("memory", ""))
    finally:
        conn.close()


def run(fn: Callable, *args: Any, timeout_s: float, what: str, status=None) -> Any:
    """fn(*args) in a child process; its return value, or PolicyKGError when it fails, runs past
    `timeout_s` seconds or past the memory limit (the child is then killed).

    `fn` must be a module-level function; its arguments and result are pickled. `status` is a
    Streamlit placeholder (st.empty()) updated while waiting; pass None outside Streamlit.
    """
    ctx = _ctx()
    limit_mb = memory_mb()
    parent_end, child_end = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(child_end, limit_mb * 1024 * 1024, fn, args))
    started = time.monotonic()
    child.start()
    child_end.close()
    try:
        while not parent_end.poll(0.25):
            elapsed = time.monotonic() - started
            if not child.is_alive() and not parent_end.poll(0):
                break
            if elapsed > timeout_s:
                raise PolicyKGError(f"{what} took longer than {timeout_s:g} s and was stopped")
            if status is not None:  # Streamlit raises its stop or rerun here: the finally kills the child
                status.caption(f"⏳ {what}: {elapsed:.0f} s / {timeout_s:g} s")
        try:
            kind, value = parent_end.recv()
        except (EOFError, OSError):
            child.join(1)
            code = child.exitcode
            reason = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            raise PolicyKGError(f"{what} ended without an answer ({reason}); it may have needed more than "
                                f"{limit_mb} MB ({MEMORY_ENV})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        parent_end.close()
        if status is not None:
            status.empty()
    if kind == "ok":
        return value
    if kind == "memory":
        raise PolicyKGError(f"{what} needed more than {limit_mb} MB and was stopped ({MEMORY_ENV})")
    raise PolicyKGError(value)
