"""Options shared by several commands (--store, --corpus, --format)."""
from __future__ import annotations

from pathlib import Path

from policykg import config


def add_store(p) -> None:
    p.add_argument("--store", type=Path, default=None,
                   help="store folder (default: $POLICYKG_STORE or store/ in the project)")


def store_of(args) -> Path:
    return args.store or config.default_store()
