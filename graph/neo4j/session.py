"""The Neo4j driver session: connection settings, one shared driver per process, read-only Cypher.

`settings_from` gives {uri, user, password, database} from command-line values over NEO4J_*
variables. `connect` opens a verified driver for one job (a load); `shared_driver` keeps one per
server and login for the whole process, reused by every query. `run_read` runs a query in a READ
session (``default_access_mode=READ_ACCESS``) with a server-side timeout and a row cap, and can
refuse to answer from a graph whose last load did not finish (`load_problem`, from the one
PolicykgLoad node the writer marks). Every driver failure becomes one PolicyKGError line
(`translate`): wrong credentials, a stopped or unreachable server, a missing database, a syntax
error, a timeout.
"""
from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import neo4j
import neo4j.graph
import neo4j.time
from neo4j import exceptions as e

from graph.pg_model import RESOURCE_LABEL
from policykg.config import neo4j_settings
from policykg.errors import PolicyKGError

URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
# One node, outside the policykg labels, records the state of the last load (see `load_problem`).
LOAD_LABEL = "PolicykgLoad"


def one_line(text: object, limit: int = 300) -> str:
    """`text` (an exception's message too) on one line of at most `limit` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit - 3] + "..."


def translate(exc: Exception, settings: dict, during: str = "") -> PolicyKGError:
    """One readable line for a Neo4j driver failure."""
    uri, user = settings.get("uri"), settings.get("user")
    where = f" during {during}" if during else ""
    if isinstance(exc, PolicyKGError):
        return exc
    if isinstance(exc, e.AuthError):
        return PolicyKGError(f"Neo4j at {uri} refused the login of user '{user}': wrong user or password; "
                             "pass --user/--password or set NEO4J_USER/NEO4J_PASSWORD")
    if isinstance(exc, (e.ServiceUnavailable, e.SessionExpired, e.IncompleteCommit, ConnectionError, OSError)):
        lost = "lost the connection to" if during else "cannot reach"
        return PolicyKGError(f"{lost} Neo4j at {uri}{where}: is it running? start it with "
                             "`make neo4j-start` or pass --uri/NEO4J_URI"
                             + ("; then run the load again (it repairs a partial load)" if during else ""))
    if isinstance(exc, (e.ConfigurationError, ValueError)) and not isinstance(exc, e.Neo4jError):
        return PolicyKGError(f"invalid Neo4j connection settings for {uri!r}: {one_line(exc)}; "
                             "use a URI such as bolt://127.0.0.1:7687 or neo4j://host:7687")
    if isinstance(exc, e.Neo4jError):
        code = exc.code or ""
        message = one_line(exc.message or str(exc))
        if code.endswith("DatabaseNotFound"):
            return PolicyKGError(f"Neo4j at {uri} has no database '{settings.get('database')}': "
                                 "pass --database or set NEO4J_DATABASE")
        if "TransactionTimedOut" in code or "Timeout" in code:
            return PolicyKGError(f"Neo4j query stopped by its timeout{where}: narrow the query or raise --timeout")
        if isinstance(exc, e.CypherSyntaxError):
            return PolicyKGError(f"Cypher syntax error: {message}")
        if code.endswith("AccessMode") or isinstance(exc, e.Forbidden):
            return PolicyKGError(f"Neo4j refused a write in a read-only session: {message}")
        return PolicyKGError(f"Neo4j failed{where} ({code or type(exc).__name__}): {message}")
    if isinstance(exc, e.DriverError):
        return PolicyKGError(f"Neo4j driver error{where} talking to {uri}: {one_line(exc)}")
    return PolicyKGError(f"Neo4j failed{where}: {type(exc).__name__}: {one_line(exc)}")


@contextmanager
def connect(settings: dict, during: str = "") -> Iterator:
    """A verified driver for settings {uri, user, password, database}; errors become PolicyKGError."""
    # The driver logs routing failures itself; without a handler Python would print them to stderr
    # next to our one-line error. Applications that configure logging still receive them.
    driver_log = logging.getLogger("neo4j")
    if not driver_log.handlers:
        driver_log.addHandler(logging.NullHandler())
    scheme = str(settings.get("uri") or "").partition("://")[0]
    if scheme not in URI_SCHEMES:
        raise PolicyKGError(f"invalid Neo4j URI {settings.get('uri')!r}: use bolt://host:port, or neo4j://host:port "
                            "for a cluster (+s or +ssc for TLS)")
    try:
        driver = neo4j.GraphDatabase.driver(
            settings["uri"], auth=(settings["user"], settings["password"]),
            connection_timeout=10.0, max_transaction_retry_time=10.0,
            connection_acquisition_timeout=30.0)
    except Exception as exc:  # noqa: BLE001 - every driver failure becomes one line
        raise translate(exc, settings) from exc
    try:
        try:
            driver.verify_connectivity()
        except Exception as exc:  # noqa: BLE001
            raise translate(exc, settings) from exc
        try:
            yield driver
        except PolicyKGError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise translate(exc, settings, during) from exc
    finally:
        driver.close()


def database(settings: dict) -> str | None:
    """The database named in `settings`, or None for the server's default."""
    return settings.get("database") or None


def load_problem(tx) -> str:
    """What is wrong with the graph in Neo4j, or "" when the last load finished (or nothing was ever
    loaded and the database holds no policykg node); `tx` is a transaction or session."""
    record = tx.run(f"OPTIONAL MATCH (m:{LOAD_LABEL} {{name: 'policykg'}}) RETURN m.state AS state, "
                    "m.load_id AS load_id, m.loading_id AS loading_id, m.nodes AS expected").single()
    # On its own, so that Neo4j answers from its count store instead of scanning the nodes.
    nodes = tx.run(f"MATCH (n:{RESOURCE_LABEL}) RETURN count(n) AS n").single()["n"]
    state, expected = record["state"], record["expected"]
    if state is None:
        return f"{nodes} nodes with no record of a finished load" if nodes else ""
    if state != "complete":
        return f"a load was cut short ({nodes} nodes of load {record['loading_id']})"
    if nodes != expected:
        return f"the graph holds {nodes} nodes, the last load ({record['load_id']}) wrote {expected}"
    return ""


def plain(value):
    """A Neo4j result value as plain Python: dates, nodes, relationships and paths included."""
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime)):
        return value.to_native()
    if isinstance(value, (neo4j.time.Time, neo4j.time.Duration)):
        return str(value)
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


_DRIVERS: dict[tuple, Any] = {}
_DRIVERS_LOCK = threading.Lock()
_PLAIN_TYPES = (str, int, float, bool, type(None))


def shared_driver(settings: dict):
    """One verified driver per server and login for the whole process, reused by every query (a new
    driver costs a connection and a handshake: 20 ms instead of 5 for `RETURN 1`); closed at exit."""
    key = (settings.get("uri"), settings.get("user"), settings.get("password"))
    with _DRIVERS_LOCK:
        held = _DRIVERS.get(key)
        if held is None:
            manager = connect(settings)  # kept with the driver: its exit closes the driver
            held = _DRIVERS[key] = (manager, manager.__enter__())
            if len(_DRIVERS) == 1:
                atexit.register(close_drivers)
        return held[1]


def close_drivers() -> None:
    """Close every shared driver (at exit, or when a test restarts the server)."""
    with _DRIVERS_LOCK:
        held = list(_DRIVERS.values())
        _DRIVERS.clear()
    for manager, _ in held:
        manager.__exit__(None, None, None)


def run_read(settings: dict, cypher: str, params: dict | None = None, timeout_s: float | None = 30.0,
             limit: int | None = None, plan_check=None,
             require_complete_load: bool = False) -> tuple[list[str], list[tuple], bool]:
    """Run one query in a READ transaction on the shared driver, its records fetched in one piece
    (`limit` + 1 at most, to tell a truncated result); returns (columns, rows, truncated at `limit`).

    With `plan_check` (graph.guard.check_cypher_plan for a user's query), the server first plans the
    query (EXPLAIN, in the same transaction) and `plan_check(plan)` may refuse it before it runs.
    With `require_complete_load`, a graph whose last load did not finish (`load_problem`) is refused
    with one line rather than answered from."""
    @neo4j.unit_of_work(timeout=timeout_s)
    def work(tx):
        problem = load_problem(tx) if require_complete_load else ""
        if problem:
            raise PolicyKGError(f"the graph in Neo4j is incomplete: {problem}; run `policykg neo4j load` "
                                "to repair it")
        if plan_check is not None:
            plan_check(tx.run("EXPLAIN " + cypher, params or {}).consume().plan)
        result = tx.run(cypher, params or {})
        columns = list(result.keys())
        values = [r.values() for r in result.fetch(limit + 1)] if limit is not None else result.values()
        result.consume()
        truncated = limit is not None and len(values) > limit
        rows = [tuple(v if type(v) in _PLAIN_TYPES else plain(v) for v in row) for row in values[:limit]]
        return columns, rows, truncated

    driver = shared_driver(settings)
    try:
        with driver.session(database=database(settings), default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)
    except PolicyKGError:
        raise
    except Exception as exc:  # noqa: BLE001 - every driver failure becomes one line
        raise translate(exc, settings, "the query") from exc


def settings_from(uri=None, user=None, password=None, database=None) -> dict:
    """Command-line values over NEO4J_* variables over the local server's defaults."""
    s = neo4j_settings()
    for key, value in (("uri", uri), ("user", user), ("password", password), ("database", database)):
        if value:
            s[key] = value
    return s
