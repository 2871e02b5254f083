"""graph/guard.py: user-typed SPARQL and Cypher are refused when they could write or administer."""
from __future__ import annotations

import pytest

from graph.guard import check_cypher_readonly, readonly_sparql
from policykg.errors import PolicyKGError

# --- SPARQL ------------------------------------------------------------------------------------

SPARQL_REFUSED = [
    ("PREFIX ex: <http://ex/>\nINSERT DATA { ex:a ex:b ex:c }", "INSERT DATA"),
    ("DELETE DATA { <urn:a> <urn:b> <urn:c> }", "DELETE DATA"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
    ("delete { ?s ?p ?o } insert { ?s ?p 1 } where { ?s ?p ?o }", "DELETE INSERT"),
    ("INSERT { ?s <urn:seen> true } WHERE { ?s ?p ?o }", "INSERT"),
    ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH ... DELETE"),
    ("WITH <urn:g> INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH ... INSERT"),
    ("LOAD <http://127.0.0.1/data.ttl>", "LOAD"),
    ("LOAD SILENT <http://127.0.0.1/x.ttl> INTO GRAPH <urn:g>", "LOAD"),
    ("CLEAR ALL", "CLEAR"),
    ("CLEAR GRAPH <urn:g>", "CLEAR"),
    ("DROP ALL", "DROP"),
    ("DROP SILENT GRAPH <urn:g>", "DROP"),
    ("CREATE GRAPH <urn:g>", "CREATE"),
    ("ADD <urn:a> TO <urn:b>", "ADD"),
    ("MOVE DEFAULT TO <urn:b>", "MOVE"),
    ("COPY <urn:a> TO DEFAULT", "COPY"),
    ("# a comment first\nBASE <http://ex/>\nCLEAR DEFAULT", "CLEAR"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> } ; DROP ALL", "INSERT DATA"),
    ("DELETE WHERE { ?s ?p ?o", "DELETE"),  # malformed, but still an update
    ("drop all ; ", "DROP"),
]


@pytest.mark.parametrize(("query", "keyword"), SPARQL_REFUSED)
def test_sparql_updates_are_refused(query, keyword):
    with pytest.raises(PolicyKGError) as caught:
        readonly_sparql(query)
    message = str(caught.value)
    assert message.startswith(f"SPARQL updates are not allowed here: {keyword}")
    assert "\n" not in message


SPARQL_ALLOWED = [
    'SELECT ?s WHERE { ?s ?p "DELETE me" }',
    "SELECT * WHERE { <http://ex/INSERT/DATA> ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } # DROP ALL",
    "# INSERT DATA { <urn:a> <urn:b> <urn:c> }\nSELECT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p '''line one\nCLEAR ALL''' }",
    'SELECT * WHERE { ?s ?p ?o FILTER(?o = "\\"LOAD <x>") }',
    "PREFIX delete: <http://ex/delete#>\nSELECT ?x WHERE { ?x delete:insert ?y }",
    'SELECT ?x WHERE { VALUES ?x { "CREATE" "DROP" } }',
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DESCRIBE <http://ex/a>",
    "PREFIX pk: <https://policykg.example/ontology#>\n"
    "SELECT ?clause (MAX(?amount) AS ?cap) WHERE {\n"
    "  ?clause a pk:Clause ; pk:amount ?amount .\n"
    "  FILTER(CONTAINS(STR(?clause), '独立站'))\n"
    "} GROUP BY ?clause ORDER BY DESC(?cap) LIMIT 10",
]


@pytest.mark.parametrize("query", SPARQL_ALLOWED)
def test_sparql_queries_are_allowed(query):
    assert readonly_sparql(query) == query


def test_sparql_syntax_error_gives_line_and_column():
    with pytest.raises(PolicyKGError) as caught:
        readonly_sparql("SELECT ?s WHERE {\n  ?s ?p ?o\n  FILTER(?o = )\n}")
    message = str(caught.value)
    assert message.startswith("SPARQL syntax error at line ")
    assert ", column " in message
    assert "\n" not in message


def test_sparql_typo_is_a_syntax_error_at_its_position():
    with pytest.raises(PolicyKGError, match=r"SPARQL syntax error at line 2, column 1:"):
        readonly_sparql("PREFIX ex: <http://ex/>\nSELEC * WHERE { ?s ?p ?o }")


def test_sparql_query_followed_by_update_is_refused():
    with pytest.raises(PolicyKGError, match="SPARQL syntax error"):
        readonly_sparql("SELECT * WHERE { ?s ?p ?o } ; DROP ALL")


@pytest.mark.parametrize("query", ["", "   # nothing but a comment", "PREFIX ex: <http://ex/>"])
def test_sparql_empty_query_is_refused(query):
    with pytest.raises(PolicyKGError, match="SPARQL query is empty"):
        readonly_sparql(query)


def test_sparql_service_is_refused():
    with pytest.raises(PolicyKGError, match="SERVICE"):
        readonly_sparql(
            "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?q ?r } } }"
        )
    assert readonly_sparql('SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }')


def test_sparql_deep_nesting_is_one_line_not_a_crash():
    query = "SELECT * WHERE { " + "{ " * 200 + "?s ?p ?o" + " }" * 200 + " }"
    with pytest.raises(PolicyKGError, match="nested too deeply"):
        readonly_sparql(query)


def test_sparql_escapes_are_decoded_before_the_check_and_the_run():
    # SPARQL 1.1 section 19.2: \u escapes are codepoints anywhere in the text; the guard returns
    # the decoded text, which is what the engine runs.
    assert readonly_sparql(r'SELECT * WHERE { ?s ?p "\u72EC\u7ACB\u7AD9" }') == 'SELECT * WHERE { ?s ?p "独立站" }'
    with pytest.raises(PolicyKGError, match="SERVICE"):
        readonly_sparql(r"SELECT * WHERE { \u0053ERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")


@pytest.mark.parametrize(("query", "words"), [
    (r'SELECT * WHERE { BIND("a\u005C" AS ?x) SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } } # " AS ?x) }',
     r"escape \u005C at line 1, column 25 stands for '\\'"),
    (r'SELECT * WHERE { ?s ?p "\u0022" }', "stands for '\"'"),
    (r'SELECT * WHERE { ?s ?p "\U0041" }', r"(\U0041)"),
    (r'SELECT * WHERE { ?s ?p "\uD800" }', "not a Unicode character"),
])
def test_sparql_escapes_that_engines_read_differently_are_refused(query, words):
    with pytest.raises(PolicyKGError) as caught:
        readonly_sparql(query)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_sparql_comment_ended_by_a_carriage_return_hides_nothing():
    # rdflib ends a comment at \n only; SPARQL (and the engines) at \r too: \r becomes \n first.
    with pytest.raises(PolicyKGError, match="SERVICE"):
        readonly_sparql("SELECT * WHERE { ?s ?p ?o # x\rSERVICE <http://127.0.0.1:1/> { ?a ?b ?c }\n}")


@pytest.mark.parametrize("query", [
    "SELECT * FROM <http://127.0.0.1:1/g> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:1/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASK FROM <http://127.0.0.1:1/g> { ?s ?p ?o }",
])
def test_sparql_from_is_refused(query):
    with pytest.raises(PolicyKGError, match="FROM and FROM NAMED are not allowed"):
        readonly_sparql(query)


# --- Cypher ------------------------------------------------------------------------------------

CYPHER_REFUSED = [
    ("CREATE (n:Policy {title: 'x'})", "CREATE"),
    ("MATCH (a), (b) CREATE (a)-[:CITES]->(b)", "CREATE"),
    ("MERGE (c:City {name: '温州'})", "MERGE"),
    ("MATCH (n) DELETE n", "DELETE"),
    ("MATCH (n) DETACH DELETE n", "DETACH DELETE"),
    ("match (n) detach delete n", "DETACH DELETE"),
    ("MATCH (n) NODETACH DELETE n", "NODETACH DELETE"),
    ("MATCH (n:Clause) SET n.amount = 0", "SET"),
    ("MATCH (n) SET n:Hidden", "SET"),
    ("MATCH (n) REMOVE n.amount", "REMOVE"),
    ("INSERT (n:Policy)", "INSERT"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", "LOAD CSV"),
    ("FOREACH (x IN [1, 2] | CREATE (:N {v: x}))", "FOREACH"),
    ("MATCH (n) CALL { WITH n RETURN n } IN TRANSACTIONS RETURN n", "IN TRANSACTIONS"),
    ("MATCH (n) CALL { WITH n RETURN n } IN TRANSACTIONS OF 10 ROWS RETURN n", "IN TRANSACTIONS"),
    ("MATCH (n) CALL { WITH n SET n.x = 1 } RETURN n", "SET"),
    ("MATCH (n) CALL (n) { SET n.x = 1 } RETURN n", "SET"),
    ("CALL apoc.create.node(['A'], {})", "CALL apoc.create.node"),
    ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})", "CALL apoc.periodic.iterate"),
    ("RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n')", "apoc.cypher.runFirstColumnSingle"),
    ("CALL db.createLabel('X')", "CALL db.createLabel"),
    ("CALL db.createProperty('x')", "CALL db.createProperty"),
    ("CALL db.clearQueryCaches()", "CALL db.clearQueryCaches"),
    ("CALL dbms.security.createUser('eve', 'pw', false)", "CALL dbms.security.createUser"),
    ("CALL dbms.killQuery('query-1')", "CALL dbms.killQuery"),
    ("CALL dbms.components() YIELD name", "CALL dbms.components"),  # no dbms.* at all: it lists the server
    ("CALL gds.pageRank.write('g', {writeProperty: 'rank'})", "CALL gds.pageRank.write"),
    ("CREATE INDEX clause_amount FOR (n:Clause) ON (n.amount)", "CREATE"),
    ("CREATE CONSTRAINT FOR (p:Policy) REQUIRE p.id IS UNIQUE", "CREATE"),
    ("DROP INDEX clause_amount", "DROP"),
    ("DROP DATABASE neo4j", "DROP"),
    ("CREATE DATABASE other", "CREATE"),
    ("CREATE USER eve SET PASSWORD 'pw'", "CREATE"),
    ("ALTER USER neo4j SET PASSWORD 'pw'", "ALTER"),
    ("ALTER CURRENT USER SET PASSWORD FROM 'a' TO 'b'", "ALTER"),
    ("RENAME ROLE reader TO admin", "RENAME"),
    ("GRANT ROLE admin TO eve", "GRANT"),
    ("DENY READ {*} ON GRAPH * TO eve", "DENY"),
    ("REVOKE ROLE admin FROM eve", "REVOKE"),
    ("SHOW USERS", "SHOW USERS"),
    ("SHOW CURRENT USER", "SHOW CURRENT USER"),
    ("SHOW ROLES", "SHOW ROLES"),
    ("SHOW PRIVILEGES", "SHOW PRIVILEGES"),
    ("SHOW DATABASES", "SHOW DATABASES"),
    ("SHOW TRANSACTIONS", "SHOW TRANSACTIONS"),
    ("SHOW SETTINGS", "SHOW SETTINGS"),
    ("START DATABASE neo4j", "START"),
    ("STOP DATABASE neo4j", "STOP"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE"),
    ("USE system SHOW USERS", "USE"),
    ("USE system MATCH (n) RETURN n", "USE"),
    ("// harmless?\nMATCH (n)\n/* still */ DELETE n", "DELETE"),
    ("MATCH (n {name: 'a'}) DELETE n", "DELETE"),
]


@pytest.mark.parametrize(("query", "keyword"), CYPHER_REFUSED)
def test_cypher_writes_and_admin_are_refused(query, keyword):
    with pytest.raises(PolicyKGError) as caught:
        check_cypher_readonly(query)
    message = str(caught.value)
    assert message.startswith(f"Cypher writes and administration are not allowed here: {keyword} at line ")
    assert "\n" not in message


def test_cypher_refusal_points_at_the_keyword():
    with pytest.raises(PolicyKGError, match=r": DELETE at line 3, column 13;"):
        check_cypher_readonly("// harmless?\nMATCH (n)\n/* still */ DELETE n")


CYPHER_ALLOWED = [
    "MATCH (n) WHERE n.name = 'CREATE' RETURN n",
    'MATCH (n) WHERE n.name = "DETACH DELETE" RETURN n',
    "MATCH (n) WHERE n.note = 'it\\'s SET to go' RETURN n",
    "MATCH (n) RETURN n // DELETE n",
    "MATCH (n) /* SET n.x = 1 */ RETURN n",
    "MATCH (`DELETE`) RETURN `DELETE`.name",
    "MATCH (n) RETURN n.`odd``SET`",
    "MATCH (n:Policy {city: '温州'}) RETURN n.title, n.create, n.delete",
    "MATCH ()-[r:MERGE]->() RETURN count(r)",
    "MATCH (n:Set) RETURN n",
    "RETURN {create: 1, set: 2} AS m",
    "MATCH (n) WHERE n.title STARTS WITH '温州' AND n.title ENDS WITH '意见' RETURN n",
    "MATCH (n) WHERE n.text CONTAINS '单个独立站补助最高不超过 20万元' RETURN n LIMIT 5",
    "MATCH (n:Clause) WHERE n.amount >= $min RETURN n ORDER BY n.amount DESC",
    "RETURN $create",
    "MATCH (n) RETURN n;",
    "EXPLAIN MATCH (n) RETURN n",
    "PROFILE MATCH (n) RETURN n",
    "CALL db.labels()",
    "CALL db.labels() YIELD label RETURN label ORDER BY label",
    "CALL db.relationshipTypes",
    "CALL db.propertyKeys()",
    "CALL db.schema.visualization()",
    "CALL db.ping() YIELD success",
    "CALL db.index.fulltext.queryNodes('clauseText', '补助') YIELD node RETURN node",
    "CALL { MATCH (n:Policy) RETURN n } RETURN n.title",
    "MATCH (p:Policy) CALL (p) { MATCH (p)-[:HAS]->(c) RETURN count(c) AS k } RETURN p, k",
    "OPTIONAL MATCH (n)-[:CAPS]->(m) RETURN n, m",
    "MATCH (n) WITH n, [x IN n.tags | toUpper(x)] AS tags RETURN tags",
    "SHOW INDEXES",
    "SHOW RANGE INDEXES YIELD name",
    "SHOW CONSTRAINTS",
    "SHOW PROCEDURES YIELD name",
    "SHOW FUNCTIONS",
    "UNWIND range(1, 3) AS i RETURN i",
]


@pytest.mark.parametrize("query", CYPHER_ALLOWED)
def test_cypher_reads_are_allowed(query):
    assert check_cypher_readonly(query) is None


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
        "MATCH (n) RETURN n; MATCH (m) RETURN m",
        "MATCH (n) RETURN n ;\nRETURN 1",
        "RETURN 1;;",
    ],
)
def test_cypher_multiple_statements_are_refused(query):
    with pytest.raises(PolicyKGError, match="more than one statement"):
        check_cypher_readonly(query)


def test_cypher_semicolon_inside_a_string_is_not_a_separator():
    assert check_cypher_readonly("MATCH (n) WHERE n.title = '意见; DELETE' RETURN n") is None


@pytest.mark.parametrize(
    ("query", "what"),
    [
        ("MATCH (n) WHERE n.x = 'open RETURN n", "unterminated string literal"),
        ("MATCH (`open) RETURN 1", "unterminated backtick-quoted name"),
        ("MATCH (n) RETURN n /* open", "unterminated comment"),
    ],
)
def test_cypher_unterminated_quotes_are_refused(query, what):
    with pytest.raises(PolicyKGError, match=f"Cypher syntax error at line 1, column \\d+: {what}"):
        check_cypher_readonly(query)


@pytest.mark.parametrize("query", ["", "   ", "// only a comment"])
def test_cypher_empty_query_is_refused(query):
    with pytest.raises(PolicyKGError, match="Cypher query is empty"):
        check_cypher_readonly(query)


def test_cypher_show_without_a_listing_is_refused():
    with pytest.raises(PolicyKGError, match="only SHOW INDEXES, CONSTRAINTS, PROCEDURES and FUNCTIONS"):
        check_cypher_readonly("SHOW")
