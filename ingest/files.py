"""Which files of a folder are policy documents, and the id a file's name gives its document.
Kept apart from the pipeline so that listing and reading a corpus (and refusing an unreadable
file) need none of the extraction modules.
"""
from __future__ import annotations

import re
from pathlib import Path

from policykg.errors import PolicyKGError

SUPPORTED = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


def doc_id_for(path: Path) -> str:
    """A stable, IRI-safe id from the file name.

    >>> doc_id_for(Path("Wenzhou 2022(60).txt")), doc_id_for(Path("温州 2022(60).md"))
    ('wenzhou-2022-60', '温州-2022-60')
    """
    stem = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", path.stem).strip("-").lower()
    return stem or "document"


def corpus_files(folder: Path) -> list[Path]:
    """The documents of a folder in name order (sidecars NAME.meta.yaml and a README are not)."""
    if not folder.is_dir():
        raise PolicyKGError(f"{folder}: no such corpus folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED
                   and p.stem.lower() != "readme")  # a folder's README describes it, it is no policy
    if not files:
        raise PolicyKGError(f"{folder}: no documents ({', '.join(SUPPORTED)}) in this folder")
    return files
