"""Refuse user-typed SPARQL and Cypher that would change or administer a store, or reach the network.

SPARQL: `readonly_sparql` turns the text into the one text that is both checked and run. Codepoint
escapes (\\uHHHH, \\UHHHHHHHH (H a hex digit)) are decoded first, everywhere, as SPARQL 1.1 (section 19.2)
prescribes, and line ends become \\n; a text that still holds an escape after that is refused, so the
engine's own escape handling cannot see anything else than the check did. The decoded text is parsed
with rdflib's SPARQL grammar: only a query (SELECT, ASK, CONSTRUCT, DESCRIBE) passes, so keywords
inside literals, IRIs and comments are harmless; SERVICE anywhere (a subquery, FILTER EXISTS, a
variable endpoint) and FROM / FROM NAMED (which a server may fetch) are refused. Callers send the
returned text, never the typed one.

Cypher: `check_cypher_readonly` is a quick lexical screen that gives the position of a write
clause; it blanks out string literals, backtick-quoted names and comments, then refuses write
clauses, administration commands, procedures not on a read-only allow-list, apoc.*, USE and more
than one statement. It errs on the side of refusing (a variable named `set` is refused) and it does
not decode escapes: the check that counts is `check_cypher_plan`, on the plan Neo4j itself made
for the query (EXPLAIN): every operator must be on a read-only allow-list and every procedure on
`READ_PROCEDURES`. Callers then run the query in a READ transaction.

Every refusal is a PolicyKGError with a one-line reason.
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


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# What any engine could still read as an escape: rdflib takes \U with 4 digits and \u with 8.
_LEFTOVER_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")


def decode_sparql_escapes(query: str) -> str:
    r"""`query` with its codepoint escapes decoded everywhere and its line ends made \n (SPARQL 1.1
    section 19.2: escapes are processed before parsing, outside strings too).

    >>> decode_sparql_escapes(r'SELECT * WHERE { BIND("\u72EC\u7ACB\u7AD9" AS ?x) }')
    'SELECT * WHERE { BIND("独立站" AS ?x) }'
    >>> decode_sparql_escapes(r'SELECT * WHERE { BIND("a\u005C" AS ?x) }')
    Traceback (most recent call last):
    ...
    policykg.errors.PolicyKGError: SPARQL codepoint escape \u005C at line 1, column 25 stands for '\\', which engines read differently inside and outside strings: write the character itself
    >>> decode_sparql_escapes("\\U0001F600 # a\rSERVICE")
    '😀 # a\nSERVICE'
    >>> decode_sparql_escapes(r'"\U0041"')
    Traceback (most recent call last):
    ...
    policykg.errors.PolicyKGError: SPARQL text holds an escape sequence that engines decode differently at line 1, column 2 (\U0041): write the character itself
    """
    def decode(match: re.Match) -> str:
        point = int(match.group(1) or match.group(2), 16)
        line, col = _line_col(query, match.start())
        if point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
            raise PolicyKGError(f"SPARQL text has an invalid codepoint escape at line {line}, column {col} "
                                f"({match.group(0)}): not a Unicode character")
        if point < 0x80 and not chr(point).isalnum():
            # Engines that decode escapes only inside strings would read a quote, backslash, '#' or
            # '>' made this way as a different query than the one checked.
            raise PolicyKGError(f"SPARQL codepoint escape {match.group(0)} at line {line}, column {col} stands "
                                f"for {chr(point)!r}, which engines read differently inside and outside "
                                "strings: write the character itself")
        return chr(point)

    decoded = _CODEPOINT_ESCAPE.sub(decode, query).replace("\r\n", "\n").replace("\r", "\n")
    left = _LEFTOVER_ESCAPE.search(decoded)
    if left:
        line, col = _line_col(decoded, left.start())
        raise PolicyKGError(f"SPARQL text holds an escape sequence that engines decode differently at line {line}, "
                            f"column {col} ({left.group(0)}): write the character itself")
    return decoded


def readonly_sparql(query: str) -> str:
    """The text to run for `query`, the user's SPARQL; raise PolicyKGError unless it is one read-only
    query (not an update) that reaches no other host; syntax errors too.

    The returned text is `query` with its escapes decoded (`decode_sparql_escapes`), exactly the
    text that was checked: send it to the engine, never `query` itself. Federated queries (SERVICE)
    are refused, and so are FROM and FROM NAMED: a server may fetch the graphs they name.

    >>> readonly_sparql('SELECT ?s WHERE { ?s ?p "DELETE me" }  # DROP ALL')
    'SELECT ?s WHERE { ?s ?p "DELETE me" }  # DROP ALL'
    >>> readonly_sparql("PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:b ex:c }")
    Traceback (most recent call last):
    ...
    policykg.errors.PolicyKGError: SPARQL updates are not allowed here: INSERT DATA; this box runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    query = decode_sparql_escapes(query)
    try:
        parsed = _parse(parseQuery, query)
    except ParseBaseException as exc:
        query_error = exc
    else:
        if _has_service(parsed):
            raise PolicyKGError(
                "SPARQL SERVICE (federated query) is not allowed here: query the local store only"
            )
        if _has_dataset_clause(parsed):
            raise PolicyKGError("SPARQL FROM and FROM NAMED are not allowed here: "
                                "queries run on the store's own graph; remove the FROM line")
        return query
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


def _has_dataset_clause(node) -> bool:
    """True if a parsed query (or a subquery in it) names graphs with FROM or FROM NAMED."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        return node.name == "DatasetClause" or any(_has_dataset_clause(v) for v in dict.values(node))
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_has_dataset_clause(v) for v in node)
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
    prologue = _SPARQL_PROLOGUE.match(query)
    rest = query[prologue.end():] if prologue else query
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


# Plan operators (Neo4j 5 Cypher manual, "Operators") that only read: scans, seeks, expands,
# joins, filters, projections, aggregation, ordering, paging, and the read-only SHOW commands.
# Anything else (Create, Merge, SetProperty, Delete, Foreach, LoadCSV, TransactionApply,
# AdministrationCommand, ShowSettings, ShowUsers, ...) is refused, and so is an operator this list
# does not know yet: the list errs on the side of refusing.
READ_OPERATORS = frozenset("""
    AllNodesScan Anti AntiConditionalApply AntiSemiApply Apply Argument ArgumentTracker
    AssertSameNode AssertSameRelationship AssertingMultiNodeIndexSeek BFSPruningVarLengthExpand(All)
    BFSPruningVarLengthExpand(Into) CacheProperties CartesianProduct ConditionalApply
    DirectedAllRelationshipsScan DirectedRelationshipByElementIdSeek DirectedRelationshipByIdSeek
    DirectedRelationshipIndexContainsScan DirectedRelationshipIndexEndsWithScan DirectedRelationshipIndexScan
    DirectedRelationshipIndexSeek DirectedRelationshipIndexSeekByRange DirectedRelationshipTypeScan
    DirectedUnionRelationshipTypesScan Distinct Eager EagerAggregation EmptyResult EmptyRow ExhaustiveLimit
    Expand(All) Expand(Into) Filter IntersectionNodeByLabelsScan LetAntiSemiApply LetSelectOrAntiSemiApply
    LetSelectOrSemiApply LetSemiApply Limit MultiNodeIndexSeek NodeByElementIdSeek NodeByIdSeek NodeByLabelScan
    NodeCountFromCountStore NodeHashJoin NodeIndexContainsScan NodeIndexEndsWithScan NodeIndexScan NodeIndexSeek
    NodeIndexSeekByRange NodeLeftOuterHashJoin NodeRightOuterHashJoin NodeUniqueIndexSeek
    NodeUniqueIndexSeekByRange NullifyMetadata Optional OptionalExpand(All) OptionalExpand(Into)
    OrderedAggregation OrderedDistinct PartialSort PartialTop ProcedureCall ProduceResults ProjectEndpoints
    Projection RelationshipCountFromCountStore Repeat(Trail) Repeat(Walk) RollUpApply SelectOrAntiSemiApply
    SelectOrSemiApply SemiApply ShortestPath ShowConstraints ShowFunctions ShowIndexes ShowProcedures Skip Sort
    StatefulShortestPath(All) StatefulShortestPath(Into) SubtractionNodeByLabelsScan Top TriadicBuild
    TriadicFilter TriadicSelection UndirectedAllRelationshipsScan UndirectedRelationshipByElementIdSeek
    UndirectedRelationshipByIdSeek UndirectedRelationshipIndexContainsScan
    UndirectedRelationshipIndexEndsWithScan UndirectedRelationshipIndexScan UndirectedRelationshipIndexSeek
    UndirectedRelationshipIndexSeekByRange UndirectedRelationshipTypeScan UndirectedUnionRelationshipTypesScan
    Union UnionNodeByLabelsScan Unwind ValueHashJoin VarLengthExpand(All) VarLengthExpand(Into)
    VarLengthExpand(Pruning)
""".split())


def plan_operators(plan: dict) -> list[tuple[str, str]]:
    """(operator, details) of every operator in a Neo4j plan (the driver's `summary.plan`), the
    operator without its "@database" suffix.

    >>> plan_operators({"operatorType": "ProduceResults@neo4j", "args": {"Details": "row"},
    ...                 "children": [{"operatorType": "LoadCSV@neo4j", "args": {"Details": "row"}}]})
    [('ProduceResults', 'row'), ('LoadCSV', 'row')]
    """
    out = [(str(plan.get("operatorType", "")).split("@")[0], str(plan.get("args", {}).get("Details", "")))]
    for child in plan.get("children", []):
        out += plan_operators(child)
    return out


def check_cypher_plan(plan: dict) -> None:
    """Raise PolicyKGError unless every operator of the plan Neo4j made for a query (EXPLAIN) only
    reads, and every procedure it calls is on `READ_PROCEDURES`.

    >>> check_cypher_plan({"operatorType": "ProduceResults@neo4j", "children": [
    ...     {"operatorType": "ProcedureCall@neo4j", "args": {"Details": "dbms.listConfig() :: (name :: STRING)"}}]})
    Traceback (most recent call last):
    ...
    policykg.errors.PolicyKGError: Cypher procedure dbms.listConfig is not allowed here: only db.labels, db.relationshipTypes, db.propertyKeys, db.schema.visualization, db.schema.nodeTypeProperties, db.schema.relTypeProperties, db.info, db.ping, db.index.fulltext.queryNodes, db.index.fulltext.queryRelationships, db.index.vector.queryNodes
    """
    for operator, details in plan_operators(plan):
        if operator not in READ_OPERATORS:
            what = {"LoadCSV": "LOAD CSV", "AdministrationCommand": "administration"}.get(operator, "writes")
            raise PolicyKGError(f"Cypher {what} not allowed here: Neo4j plans the query with {operator}, which "
                                f"is not a read-only operation; {_CYPHER_HINT}")
        if operator == "ProcedureCall":
            name = details.split("(", 1)[0].strip()
            if name.lower() not in _READ_PROCEDURES_LOWER:
                raise PolicyKGError(f"Cypher procedure {name} is not allowed here: only {', '.join(READ_PROCEDURES)}")
