"""Options and input shared by several commands (--store, --format, --timeout, a query file), and
the parser class every command's parser is made with: its help lists the ontology's terms.

A help text names a list of terms as {terms:KIND} (KIND a kind of graph.vocabulary: category,
instrument, per, metric, role, kind, status, requirement); `OntologyHelpFormatter` replaces it with
the slugs the ontology declares, and `Terms(KIND)` gives them as an option's choices. Both read the ontology only
when the help is shown or the option is given, so that every command still starts fast.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, overload

from policykg import config
from policykg.errors import PolicyKGError

if TYPE_CHECKING:
    from graph.remote import Endpoint

TERMS_PLACEHOLDER = re.compile(r"\{terms:([a-z]+)\}")


def ontology_terms(kind: str) -> list[str]:
    """The slugs of `kind` the ontology declares (graph.vocabulary.terms)."""
    from graph.vocabulary import terms  # parses the ontology: only when help is shown or a term is checked

    return terms(kind)


def expand_terms(text: str) -> str:
    """`text` with each {terms:KIND} replaced by the ontology's slugs of KIND, comma-separated.

    >>> expand_terms("only this kind: {terms:kind}")
    'only this kind: general, incentive, measure, target'
    >>> expand_terms("status ({terms:status})")
    'status (draft, in-force, repealed, unknown)'
    """
    return TERMS_PLACEHOLDER.sub(lambda m: ", ".join(ontology_terms(m[1])), text)


class OntologyHelpFormatter(argparse.HelpFormatter):
    """argparse's help, with the {terms:KIND} lists of the ontology filled in."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        return expand_terms(text) if text else text


class Parser(argparse.ArgumentParser):
    """The parser of `policykg` and of each command (OntologyHelpFormatter unless told otherwise)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", OntologyHelpFormatter)
        super().__init__(*args, **kwargs)


class Terms(Sequence[str]):
    """The ontology's slugs of one kind as an option's choices, read when first needed (give the
    option a metavar, or argparse reads them to build the usage line)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._slugs: list[str] | None = None

    def _all(self) -> list[str]:
        if self._slugs is None:
            self._slugs = ontology_terms(self.kind)
        return self._slugs

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


def add_store(p) -> None:
    p.add_argument("--store", default=None,
                   help="store folder, or a SPARQL 1.1 endpoint URL (default: $POLICYKG_STORE or store/)")
    p.add_argument("--models", type=Path, default=None, metavar="DIR",
                   help="with a SPARQL endpoint --store: the local folder of its clause models, which "
                        "`policykg build --store URL` writes (default: var/endpoints/HOST-PORT-DATASET)")


def store_of(args) -> Path | Endpoint:
    """The store folder as a Path, or a SPARQL endpoint with the folder of its clause models."""
    from graph.remote import Endpoint, is_remote  # urllib: only for the commands that use a store

    if is_remote(args.store or ""):
        return Endpoint(args.store, getattr(args, "models", None))
    if getattr(args, "models", None):
        raise PolicyKGError("--models names the local folder of a SPARQL endpoint's clause models: use it with "
                            "--store http://HOST:PORT/DATASET (a store folder holds its own)")
    return Path(args.store) if args.store else config.default_store()


TABLE_FORMATS = ("table", "csv", "json")


def add_output(p) -> None:
    """--format table|csv|json and --timeout of the commands that run a query."""
    p.add_argument("--format", choices=TABLE_FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="stop a query that runs longer than this (default: 60)")


def read_query_file(name: str, language: str) -> str:
    """The text of a query file, or of stdin for "-"; one clear error for anything unreadable."""
    from policykg.errors import PolicyKGError

    where = "stdin" if name == "-" else name
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PolicyKGError(f"no {language} file {name}: give the path of a file, or - for stdin") from exc
    except OSError as exc:
        raise PolicyKGError(f"cannot read the {language} file {name}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise PolicyKGError(f"the {language} query in {where} is not UTF-8 text: save it as UTF-8") from exc
    if not text.strip():
        raise PolicyKGError(f"the {language} query in {where} is empty")
    return text


OVERRIDE_FLAGS = (("--city", "city (深圳 or 深圳市); a district or county (鹿城区) is kept below its city"),
                  ("--province", "province (广东省), for a provincial document or to tell two places apart"),
                  ("--number", "document number (文号)"), ("--title", "title"), ("--issuer", "issuing body"),
                  ("--issued", "date of issue, 2024-01-31"), ("--valid-from", "first day in force, 2024-01-31"),
                  ("--valid-to", "last day in force, 2026-12-31"),
                  ("--status", "status: {terms:status}"), ("--source-url", "where it was found"))


def add_overrides(p) -> None:
    """--city --province --number --title --issuer --issued --valid-from --valid-to --status --source-url:
    what the user knows about a document, over what is read (the keys of a NAME.meta.yaml sidecar)."""
    for flag, text in OVERRIDE_FLAGS:
        p.add_argument(flag, default=None, help=f"{text}: overrides what is read and any sidecar")


def overrides_of(args):
    """The ingest.overrides.Overrides the flags give (each value checked, one error line if bad)."""
    from ingest.overrides import check

    given = {flag[2:].replace("-", "_"): getattr(args, flag[2:].replace("-", "_")) for flag, _ in OVERRIDE_FLAGS}
    return check({k: v for k, v in given.items() if v is not None}, "command line")
