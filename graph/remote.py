"""A remote store: a SPARQL 1.1 endpoint (Query, Update and Graph Store protocols) over HTTP.

`--store` values starting with http:// or https:// name a dataset such as Apache Jena Fuseki's
http://127.0.0.1:3030/policykg; its query, update and graph-store endpoints are that URL followed
by /query, /update and /data (Fuseki's layout), or given explicitly. An `Endpoint` is such a URL
together with the local folder that holds its clause models (policykg.build builds the store
there, then replaces the endpoint's default graph with the folder's graph); `push` replaces it
with any rdflib graph. `RemoteStore.query` returns the same (columns, rows) with plain Python
values as graph.store.query. Standard library HTTP (urllib); every failure is one PolicyKGError
line naming the endpoint.
"""
from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from graph.sparql_text import strip_sparql
from policykg.config import endpoint_folder
from policykg.errors import PolicyKGError

TIMEOUT_S = 300.0


def is_remote(store: object) -> bool:
    """True when a --store value names a SPARQL endpoint rather than a folder.

    >>> is_remote("http://127.0.0.1:3030/policykg"), is_remote("store"), is_remote("HTTPS://x/ds")
    (True, False, True)
    """
    return str(store).lower().startswith(("http://", "https://"))


class Endpoint(str):
    """A --store value naming a SPARQL endpoint (the URL itself), with `folder`: the local store
    folder of its clause models, texts and a copy of its graph (default: config.endpoint_folder).

    >>> e = Endpoint("http://127.0.0.1:3030/policykg", "/tmp/models")
    >>> e, e.folder
    ('http://127.0.0.1:3030/policykg', PosixPath('/tmp/models'))
    """

    folder: Path

    def __new__(cls, url: str, folder: Path | str | None = None) -> Endpoint:
        if not is_remote(url):
            raise PolicyKGError(f"{url}: not a SPARQL endpoint URL: expected http://HOST:PORT/DATASET")
        endpoint = super().__new__(cls, url)
        endpoint.folder = Path(folder) if folder else endpoint_folder(url)
        return endpoint


_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a query, its first keyword of the four outside
    comments, strings and IRIs (the endpoint parses the query and reports its syntax errors; rdflib's
    parser, used before, does not know the LATERAL join the named queries use).

    >>> query_form("PREFIX s: <http://e/SELECT#> # ASK\\nconstruct { ?s ?p 'select' } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    >>> query_form("not a query") is None
    True
    """
    found = _FORM.search(strip_sparql(sparql))
    return found.group(1).upper() if found else None


class RemoteStore:
    """One dataset on a SPARQL 1.1 server."""

    def __init__(self, url: str, query_url: str | None = None, update_url: str | None = None,
                 data_url: str | None = None, timeout_s: float = TIMEOUT_S):
        if not is_remote(url):
            raise PolicyKGError(f"{url}: not a SPARQL endpoint URL: expected http://HOST:PORT/DATASET")
        self.url = url.rstrip("/")
        self.query_url = query_url or f"{self.url}/query"
        self.update_url = update_url or f"{self.url}/update"
        self.data_url = data_url or f"{self.url}/data"
        self.timeout_s = timeout_s

    def _send(self, url: str, method: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            # A client error's body says what is wrong with the request (a parse error); a server
            # error's body may name the hosts and ports the server tried to reach: not repeated.
            detail = " ".join(exc.read().decode("utf-8", "replace").split())[:200] if exc.code < 500 else ""
            raise PolicyKGError(f"SPARQL endpoint {url} answered HTTP {exc.code} {exc.reason}"
                                + (f": {detail}" if detail else "")) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, ConnectionRefusedError):
                why = "refused the connection: is the server running (make fuseki-start) and the URL right?"
            elif isinstance(reason, socket.timeout):
                why = f"did not answer within {self.timeout_s:g} s"
            else:
                why = f"cannot be reached ({reason})"
            raise PolicyKGError(f"SPARQL endpoint {url} {why}") from None
        except TimeoutError:
            raise PolicyKGError(f"SPARQL endpoint {url} did not answer within {self.timeout_s:g} s") from None
        except ConnectionError as exc:
            raise PolicyKGError(f"SPARQL endpoint {url} dropped the connection ({exc})") from None

    def query(self, sparql: str, limit: int | None = None) -> tuple[list[str], list[tuple]]:
        """Run SELECT, ASK, CONSTRUCT or DESCRIBE remotely; (columns, rows) as graph.store.query."""
        graph_result = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph_result else "application/sparql-results+json"
        try:
            raw = self._send(self.query_url, "POST", sparql.encode("utf-8"),
                             {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})
        except PolicyKGError as exc:  # the endpoint parses the query: its 400 is the syntax error
            if " answered HTTP 400 " not in str(exc):
                raise
            raise PolicyKGError(f"SPARQL syntax error (the endpoint {self.query_url} says): "
                                f"{str(exc).split(': ', 1)[-1]}") from None
        if graph_result:
            return _triples(raw, limit)
        try:
            data = json.loads(raw)
        except ValueError:
            raise PolicyKGError(f"SPARQL endpoint {self.query_url} did not answer with SPARQL JSON results") from None
        if "boolean" in data:
            return ["ask"], [(bool(data["boolean"]),)]
        columns = list(data["head"].get("vars", []))
        bindings = data["results"]["bindings"]
        if limit is not None:
            bindings = bindings[:limit]
        return columns, [tuple(python_value(b.get(c)) for c in columns) for b in bindings]

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update (INSERT DATA, DELETE WHERE, CLEAR, ...)."""
        self._send(self.update_url, "POST", sparql.encode("utf-8"),
                   {"Content-Type": "application/sparql-update; charset=utf-8"})

    def put_graph(self, data: bytes | str, content_type: str = "text/turtle") -> None:
        """Replace the default graph with `data` (Graph Store Protocol: PUT ?default)."""
        body = data.encode("utf-8") if isinstance(data, str) else data
        self._send(f"{self.data_url}?default", "PUT", body, {"Content-Type": f"{content_type}; charset=utf-8"})

    def get_graph(self) -> bytes:
        """The default graph as N-Triples (Graph Store Protocol: GET ?default)."""
        return self._send(f"{self.data_url}?default", "GET", None, {"Accept": "application/n-triples"})

    def count(self) -> int:
        """The number of triples in the default graph."""
        _, rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0][0])


def push(graph, url: str) -> int:
    """Replace the default graph of the dataset at `url` with `graph`; returns the remote triple count."""
    remote = RemoteStore(url)
    remote.put_graph(graph.serialize(format="nt", encoding="utf-8"), "application/n-triples")
    return remote.count()


def python_value(term: dict | None) -> Any:
    """A plain Python value for a SPARQL JSON results term, as graph.store.python_value gives.

    >>> python_value({"type": "literal", "value": "0.03",
    ...               "datatype": "http://www.w3.org/2001/XMLSchema#decimal"})
    Decimal('0.03')
    >>> python_value({"type": "uri", "value": "http://x/y"}), python_value(None)
    ('http://x/y', None)
    """
    from rdflib import BNode, Literal, URIRef

    from graph.store import python_value as store_value

    if term is None:
        return None
    kind = term.get("type")
    if kind == "uri":
        return store_value(URIRef(term["value"]))
    if kind == "bnode":
        return store_value(BNode(term["value"]))
    if "xml:lang" in term:
        return store_value(Literal(term["value"], lang=term["xml:lang"]))
    datatype = term.get("datatype")
    return store_value(Literal(term["value"], datatype=URIRef(datatype) if datatype else None))


def _triples(raw: bytes, limit: int | None) -> tuple[list[str], list[tuple]]:
    from rdflib import Graph

    from graph.store import python_value as store_value

    g = Graph()
    g.parse(data=raw, format="nt")
    triples = sorted(g, key=lambda t: tuple(str(x) for x in t))
    if limit is not None:
        triples = triples[:limit]
    return ["subject", "predicate", "object"], [tuple(store_value(x) for x in t) for t in triples]
