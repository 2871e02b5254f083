"""The store folder on disk: one writer at a time, and every write swapped in as one unit.

A store folder holds its content in generations, and one pointer says which is current:

  STORE/.generations/<id>/   documents.json, oxigraph/, texts/ of one build, ingest or remove
  STORE/current              a symbolic link to the current generation (replaced by one rename)
  STORE/documents.json       links through `current`, so readers open STORE/documents.json,
  STORE/oxigraph, STORE/texts  STORE/oxigraph and STORE/texts as they always have
  .STORE.lock (beside STORE)  held (fcntl.flock) by the one process writing; it holds its pid

The clause models and the RDF graph of a generation are written together and published by
renaming one link, so they can never disagree. A writer takes the lock (`writing`), waits for
it up to POLICYKG_LOCK_WAIT seconds (default 120) saying whom it waits for, and fails with
"store busy (pid N)" after that. Whoever holds the lock removes the generations and link files
that earlier writers left behind (a killed build, a full disk).
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from policykg.errors import PolicyKGError

GENERATIONS = ".generations"
CURRENT = "current"
ENTRIES = ("documents.json", "oxigraph", "texts", "neo4j-rows.json.gz")  # what a generation holds, linked from STORE/ (the last: graph.neo4j.rows.ROWS_FILE)
WAIT_ENV = "POLICYKG_LOCK_WAIT"
DEFAULT_WAIT_S = 120.0


def lock_wait_s() -> float:
    """Seconds a writer waits for a busy store: $POLICYKG_LOCK_WAIT, default 120."""
    raw = os.environ.get(WAIT_ENV, "")
    try:
        value = float(raw) if raw else DEFAULT_WAIT_S
    except ValueError:
        raise PolicyKGError(f"{WAIT_ENV}={raw[:40]!r} is not a number of seconds") from None
    if not 0 <= value <= 86400:
        raise PolicyKGError(f"{WAIT_ENV}={raw[:40]!r}: give between 0 and 86400 seconds")
    return value


def _stderr(message: str) -> None:
    print(f"policykg: {message}", file=sys.stderr, flush=True)


def _holder(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
    except OSError:
        return "?"


def lock_file(store: Path) -> Path:
    """The lock file of a store folder: a sibling, so the store's own files stay as written."""
    return store.parent / f".{store.name}.lock"


@contextmanager
def writing(store: Path, wait_s: float | None = None,
            notify: Callable[[str], None] = _stderr) -> Iterator[Path]:
    """Hold the store's write lock for the block; yields the store folder (its parent is made if
    missing; the folder itself by the first generation).

    A busy store is waited for up to `wait_s` seconds (default: `lock_wait_s()`), with one
    `notify` message naming the holder's pid; then PolicyKGError "store busy (pid N)".
    """
    store = Path(os.path.abspath(store))
    wait_s = lock_wait_s() if wait_s is None else wait_s
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file(store), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PolicyKGError(f"cannot write the store at {store}: {exc.strerror or exc}") from exc
    try:
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise PolicyKGError(f"cannot lock the store at {store}: {exc.strerror or exc}") from exc
            pid = _holder(fd)
            if time.monotonic() >= deadline:
                raise PolicyKGError(f"store busy (pid {pid}): another build, ingest, remove or upload is "
                                    f"writing {store}; try again when it has finished")
            if not told:
                notify(f"store busy (pid {pid}): waiting up to {wait_s:g} s for it to finish ({WAIT_ENV})")
                told = True
            time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        clean(store)
        yield store
    finally:
        os.close(fd)  # releases the lock


def new_generation(store: Path) -> Path:
    """A fresh, empty generation folder for one write (unique per operation)."""
    gen = store / GENERATIONS / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}"
    gen.mkdir(parents=True)
    return gen


def current(store: Path) -> Path | None:
    """The current generation folder, or None for a store with none (new, or an older layout)."""
    link = store / CURRENT
    if not link.is_symlink():
        return None
    return store / os.readlink(link)


def publish(store: Path, gen: Path) -> None:
    """Make `gen` the current generation by one rename of the `current` link; then remove the
    generations before it. Call with the lock held."""
    _retire(store, CURRENT)
    tmp = store / f".{CURRENT}-{uuid.uuid4().hex[:12]}"
    os.symlink(os.path.relpath(gen, store), tmp)
    os.replace(tmp, store / CURRENT)
    for name in ENTRIES:
        _link_entry(store, name)
    clean(store)


def _link_entry(store: Path, name: str) -> None:
    """STORE/name as a link to current/name; an older layout's real file or folder is moved into
    a retired generation first (once, on the first write with generations)."""
    path, target = store / name, os.path.join(CURRENT, name)
    if path.is_symlink() and os.readlink(path) == target:
        return
    _retire(store, name)
    tmp = store / f".{name}-{uuid.uuid4().hex[:12]}"
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _retire(store: Path, name: str) -> None:
    """Move a real file or folder STORE/name (an older layout, or a store copied without its
    links) into a retired generation, which `clean` removes."""
    path = store / name
    if path.exists() and not path.is_symlink():
        retired = store / GENERATIONS / f"retired-{uuid.uuid4().hex[:12]}"
        retired.mkdir(parents=True, exist_ok=True)
        os.rename(path, retired / name)


def clean(store: Path) -> None:
    """Remove what earlier writers left behind: generations that are not current, half-made
    links, and the staging folders of older versions. Call with the lock held."""
    live = current(store)
    generations = store / GENERATIONS
    if generations.is_dir():
        for gen in generations.iterdir():
            if live is None or gen.resolve() != live.resolve():
                shutil.rmtree(gen, ignore_errors=True)
    for leftover in store.glob(f".{CURRENT}-*"):
        leftover.unlink(missing_ok=True)
    for name in ENTRIES:
        for leftover in store.glob(f".{name}-*"):
            if leftover.is_symlink():
                leftover.unlink(missing_ok=True)
    for leftover in store.parent.glob(f".{store.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in store.parent.glob(f".{store.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)
