"""Options shared by several commands (--store, --corpus, --format)."""
from __future__ import annotations

from pathlib import Path

from policykg import config


def add_store(p) -> None:
    p.add_argument("--store", default=None,
                   help="store folder, or a SPARQL 1.1 endpoint URL (default: $POLICYKG_STORE or store/)")


def store_of(args) -> Path | str:
    """The store folder as a Path, or a remote endpoint URL as it was given."""
    if args.store and args.store.startswith(("http://", "https://")):
        return args.store
    return Path(args.store) if args.store else config.default_store()
