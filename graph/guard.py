"""Refuse user-typed SPARQL and Cypher that would change or administer a store, before it is sent.

`check_sparql_readonly` parses with rdflib's SPARQL grammar: only text that parses as a query
(SELECT, ASK, CONSTRUCT, DESCRIBE) passes, so keywords inside literals, IRIs and comments are
harmless. `check_cypher_readonly` blanks out string literals, backtick-quoted names and comments,
then refuses write clauses, administration commands, procedures not on a read-only allow-list,
apoc.*, USE and more than one statement. Both raise PolicyKGError with a one-line reason.

The Cypher check is a lexical screen, not a parser: it errs on the side of refusing (a variable
named `set` is refused). Callers should still run user queries in a READ transaction.
"""
from __future__ import annotations

import re

from policykg.errors import PolicyKGError

_SPARQL_HINT = "this box runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)"

# rdflib's parse-tree names of the SPARQL 1.1 Update operations -> the keyword the user typed.
_UPDATE_KEYWORDS = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}
_SPARQL_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_SPARQL_PROLOGUE = re.compile(
    r"""(?:\s+|\#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*""", re.I
)


def check_sparql_readonly(query: str) -> None:
    """Raise PolicyKGError unless `query` is one SPARQL query (not an update); syntax errors too.

    Federated queries (SERVICE) are refused as well: they would make the engine fetch other hosts.

    >>> check_sparql_readonly('SELECT ?s WHERE { ?s ?p "DELETE me" }  # DROP ALL')
    >>> check_sparql_readonly("PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:b ex:c }")
    Traceback (most recent call last):
    ...
    policykg.errors.PolicyKGError: SPARQL updates are not allowed here: INSERT DATA; this box runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = _parse(parseQuery, query)
    except ParseBaseException as exc:
        query_error = exc
    else:
        if _has_service(parsed):
            raise PolicyKGError(
                "SPARQL SERVICE (federated query) is not allowed here: query the local store only"
            )
        return
    try:
        update = _parse(parseUpdate, query)
    except ParseBaseException:
        update = None
    if update is not None:
        requests = update["request"] if "request" in update else []
        if not requests:
            raise PolicyKGError("SPARQL query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
        raise PolicyKGError(f"SPARQL updates are not allowed here: {_update_keyword(requests[0])}; {_SPARQL_HINT}")
    word = sparql_first_keyword(query)
    if word in _SPARQL_UPDATE_WORDS:
        # A malformed update is still an update: refuse it as one, not as a typo.
        raise PolicyKGError(f"SPARQL updates are not allowed here: {word}; {_SPARQL_HINT}")
    raise PolicyKGError(
        f"SPARQL syntax error at line {query_error.lineno}, column {query_error.col}: "
        f"{_parser_reason(query_error)}; fix the query and run it again"
    )


def _parse(parse, query: str):
    """Run one of rdflib's parsers; failures other than a ParseException become one line too."""
    from pyparsing import ParseBaseException

    try:
        return parse(query)
    except ParseBaseException:
        raise
    except RecursionError as exc:
        raise PolicyKGError("SPARQL query is nested too deeply to check: simplify it") from exc
    # rdflib's parse actions raise plain exceptions on some malformed terms (bad escapes, IRIs).
    except Exception as exc:  # noqa: BLE001 - see comment above
        raise PolicyKGError(f"SPARQL syntax error: {exc}; fix the query and run it again") from exc


def _has_service(node) -> bool:
    """True if rdflib's parse tree holds a SERVICE graph pattern anywhere."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(_has_service(v) for v in dict.values(node))
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_has_service(v) for v in node)
    return False


def _update_keyword(operation) -> str:
    if operation.name in _UPDATE_KEYWORDS:
        return _UPDATE_KEYWORDS[operation.name]
    # Modify: [WITH <g>] [DELETE {...}] [INSERT {...}] WHERE {...}
    verbs = " ".join(verb for verb in ("DELETE", "INSERT") if verb.lower() in operation)
    return f"WITH ... {verbs}" if "withClause" in operation else verbs


def _parser_reason(exc) -> str:
    reason = str(exc.msg).strip() or "unexpected text"
    return reason.replace("\n", " ")


def sparql_first_keyword(query: str) -> str:
    """The first word after the prologue (comments, PREFIX and BASE declarations), upper-cased.

    >>> sparql_first_keyword("# note\\nPREFIX ex: <http://x/#a>\\nBASE <http://b/>\\n delete where {}")
    'DELETE'
    >>> sparql_first_keyword("  ")
    ''
    """
    rest = query[_SPARQL_PROLOGUE.match(query).end():]
    word = re.match(r"[A-Za-z]+", rest)
    return word.group(0).upper() if word else ""


# --- Cypher -------------------------------------------------------------------------------------

_CYPHER_HINT = "this box runs read-only queries (MATCH ... RETURN)"

# Clauses that write data or schema, and administration commands.
_CYPHER_WRITE_WORDS = frozenset(
    """CREATE MERGE DELETE DETACH NODETACH SET REMOVE INSERT LOAD FOREACH DROP ALTER RENAME
    GRANT DENY REVOKE START STOP ENABLE DISABLE DEALLOCATE REALLOCATE TERMINATE""".split()
)
# SHOW is allowed only for these (schema and catalogue listings); never users, roles,
# privileges, databases, servers, aliases, settings or transactions.
_SHOW_ALLOWED = frozenset("INDEX INDEXES CONSTRAINT CONSTRAINTS PROCEDURE PROCEDURES FUNCTION FUNCTIONS".split())
_SHOW_REFUSED = frozenset(
    """USER USERS ROLE ROLES PRIVILEGE PRIVILEGES DATABASE DATABASES SERVER SERVERS ALIAS ALIASES
    SETTING SETTINGS TRANSACTION TRANSACTIONS""".split()
)
# Read-only procedures a researcher may CALL (compared case-insensitively).
READ_PROCEDURES = (
    "db.labels",
    "db.relationshipTypes",
    "db.propertyKeys",
    "db.schema.visualization",
    "db.schema.nodeTypeProperties",
    "db.schema.relTypeProperties",
    "db.info",
    "db.ping",
    "db.index.fulltext.queryNodes",
    "db.index.fulltext.queryRelationships",
    "db.index.vector.queryNodes",
    "dbms.components",
)
_READ_PROCEDURES_LOWER = frozenset(name.lower() for name in READ_PROCEDURES)

_TOKEN = re.compile(r"(?P<word>[^\W\d]\w*)|(?P<num>\d\w*(?:\.\d\w*)?)|(?P<space>\s+)|(?P<sym>.)", re.S)


def strip_cypher(query: str) -> str:
    """`query` with string contents and comments blanked and backtick-quoted names replaced by
    underscores, keeping every character's position (newlines stay) so reports can cite them.

    >>> strip_cypher("MATCH (n) WHERE n.name = 'CREATE' // DELETE\\nRETURN `SET x` AS y")
    "MATCH (n) WHERE n.name = '      '          \\nRETURN _______ AS y"
    >>> strip_cypher('RETURN "a\\\\"b" /* MERGE */')
    'RETURN "    "            '
    """
    out: list[str] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch in "'\"":
            end = i + 1
            while end < n and query[end] != ch:
                end += 2 if query[end] == "\\" else 1
            if end >= n:
                _refuse_unterminated(query, i, "string literal")
            out.append(ch + _blank(query[i + 1:end]) + ch)
            i = end + 1
        elif ch == "`":
            end = i + 1
            while True:
                end = query.find("`", end)
                if end < 0:
                    _refuse_unterminated(query, i, "backtick-quoted name")
                if query.startswith("``", end):  # a doubled backtick is an escaped one
                    end += 2
                    continue
                break
            out.append("_" * (end + 1 - i))
            i = end + 1
        elif query.startswith("//", i):
            end = query.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif query.startswith("/*", i):
            end = query.find("*/", i + 2)
            if end < 0:
                _refuse_unterminated(query, i, "comment")
            out.append(_blank(query[i:end + 2]))
            i = end + 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _blank(text: str) -> str:
    return "".join("\n" if c == "\n" else " " for c in text)


def _line_col(query: str, offset: int) -> tuple[int, int]:
    line = query.count("\n", 0, offset) + 1
    return line, offset - (query.rfind("\n", 0, offset) + 1) + 1


def _refuse_unterminated(query: str, offset: int, what: str) -> None:
    line, col = _line_col(query, offset)
    raise PolicyKGError(f"Cypher syntax error at line {line}, column {col}: unterminated {what}; close it and run again")


def check_cypher_readonly(query: str) -> None:
    """Raise PolicyKGError if `query` could write or administer; otherwise return None.

    >>> check_cypher_readonly("MATCH (n) WHERE n.name = 'CREATE' RETURN n")
    >>> check_cypher_readonly("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    policykg.errors.PolicyKGError: Cypher writes and administration are not allowed here: DETACH DELETE at line 1, column 11; this box runs read-only queries (MATCH ... RETURN)
    """
    text = strip_cypher(query)
    if not text.strip():
        raise PolicyKGError("Cypher query is empty: write a MATCH ... RETURN query")
    tokens = [
        (m.lastgroup, m.group(), m.start())
        for m in _TOKEN.finditer(text)
        if m.lastgroup != "space"
    ]

    def refuse(word: str, offset: int, why: str = "") -> None:
        line, col = _line_col(query, offset)
        raise PolicyKGError(
            f"Cypher writes and administration are not allowed here: {word} at line {line}, "
            f"column {col}{why}; {_CYPHER_HINT}"
        )

    for index, (kind, value, offset) in enumerate(tokens):
        if kind == "sym" and value == ";" and index + 1 < len(tokens):
            line, col = _line_col(query, offset)
            raise PolicyKGError(
                f"Cypher query has more than one statement (';' at line {line}, column {col}): "
                "run one query at a time"
            )
        if kind != "word":
            continue
        before = tokens[index - 1][1] if index else ""
        after = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        word = value.upper()
        if word == "APOC" and after == "." and before != ".":
            refuse(_dotted_name(tokens, index), offset, " (APOC procedures and functions are refused)")
        if before in (".", "$", ":") or after == ":":
            continue  # a property key, parameter, label or map key: a name, not a clause
        if word == "TRANSACTIONS":
            refuse("IN TRANSACTIONS" if before.upper() in {"IN", "CONCURRENT"} else word, offset)
        if word in _CYPHER_WRITE_WORDS:
            pair = f"{word} {after.upper()}"
            refuse(pair if pair in {"DETACH DELETE", "NODETACH DELETE", "LOAD CSV"} else word, offset)
        if word == "USE":
            refuse(word, offset, " (queries run against the configured database only)")
        if word == "SHOW":
            _check_show(tokens, index, refuse)
        if word == "CALL":
            _check_call(tokens, index, refuse)


def _dotted_name(tokens, index: int) -> str:
    parts = [tokens[index][1]]
    i = index + 1
    while i + 1 < len(tokens) and tokens[i][1] == "." and tokens[i + 1][0] == "word":
        parts.append(tokens[i + 1][1])
        i += 2
    return ".".join(parts)


def _check_show(tokens, index: int, refuse) -> None:
    offset = tokens[index][2]
    phrase = ["SHOW"]
    for kind, value, _ in tokens[index + 1:index + 6]:
        word = value.upper()
        if kind != "word" or word in {"YIELD", "WHERE", "RETURN"}:
            break
        phrase.append(word)
        if word in _SHOW_REFUSED:
            refuse(" ".join(phrase), offset)
        if word in _SHOW_ALLOWED:
            return
    refuse("SHOW", offset, " (only SHOW INDEXES, CONSTRAINTS, PROCEDURES and FUNCTIONS)")


def _check_call(tokens, index: int, refuse) -> None:
    """CALL { subquery } and CALL (vars) { ... } pass here (their clauses are scanned like the rest,
    and IN TRANSACTIONS is refused); CALL of a procedure needs it on the read-only list."""
    if index + 1 >= len(tokens) or tokens[index + 1][0] != "word":
        return
    name = _dotted_name(tokens, index + 1)
    if name.lower() not in _READ_PROCEDURES_LOWER:
        refuse(
            f"CALL {name}",
            tokens[index][2],
            f" (procedure not on the read-only list: {', '.join(READ_PROCEDURES)})",
        )
