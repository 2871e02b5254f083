"""The folders are the pipeline: import-linter's contracts of pyproject.toml (ingest -> graph ->
analysis -> CLI -> app, lower layers never import higher ones; no import cycles between the
modules of a package) hold for the code as it is."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_the_layer_contracts_hold():
    assert LINT_IMPORTS.exists(), "lint-imports is missing: `make dev` installs import-linter (the dev extras)"
    r = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       check=False)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout, r.stdout[-2000:]
