// name: cross-references
// question-zh: 哪些条款引用了其他文件（文号、标题），被引文件是否也在本语料中？
// question-en: Which clauses cite other documents (number, title), and is the cited document in the corpus too?
// params: limit (limit, default 100), offset (offset, default 0)
// columns: city, document, article, clause, cited, cited_title (list), in_corpus (bool)
// sort: city, document, clause, cited

// The citations of clauses, a page in the clauses' sort-key order and then by cited number, and how
// many in all. The titles are read from the cited node's titles (the parity test compares them
// with the SPARQL side's pkg:titleList).
MATCH (c:Clause)-[:CITES]->(ref:LegalResource)
WITH c, ref ORDER BY c.sortKey, coalesce(ref.id_local, ''), ref.iri
WITH collect([c, ref]) AS found
UNWIND CASE WHEN size(found) > $offset AND $limit > 0 THEN found[$offset..$offset + $limit] ELSE [[null, null]] END AS pair
WITH pair[0] AS c, pair[1] AS ref, size(found) AS total
OPTIONAL MATCH (c)-[:DOCUMENT]->(d:Document)-[:CITY]->(city:City)
RETURN city.label_zh AS city,
       d.id_local AS document,
       c.articleLabel AS article,
       c.identifier AS clause,
       ref.id_local AS cited,
       [] + ref.eli_title_zh AS cited_title,
       ref:Document AS in_corpus,
       total
ORDER BY c.sortKey, coalesce(ref.id_local, ''), ref.iri
