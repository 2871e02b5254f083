// name: cross-references
// question-zh: 哪些条款引用了其他文件（文号、标题），被引文件是否也在本语料中？
// question-en: Which clauses cite other documents (number, title), and is the cited document in the corpus too?
// params: limit (limit, default 100), offset (offset, default 0)
// columns: city, document, article, clause, cited, cited_title (list), in_corpus (bool)
// sort: city, document, clause, cited

// The citations of clauses in the build's ranking (RankEntry nodes of the Ranking
// .../ranking/cross-references, docs/property-graph.md): the page is the entries offset ..
// offset + limit - 1, found by IRI (unique index), and the total is the ranking's. The titles are
// read from the cited node's titles (the parity test compares them with the SPARQL side's
// pkg:titleList).
MATCH (ranking:Ranking {iri: 'https://w3id.org/policykg/id/ranking/cross-references'})
WITH ranking.rankingTotal AS total,
     [i IN range($offset, $offset + $limit - 1) | ranking.iri + '/' + toString(i)] AS wanted
OPTIONAL MATCH (entry:RankEntry) WHERE entry.iri IN wanted
OPTIONAL MATCH (entry)-[:RANKED_ITEM]->(c:Clause)
OPTIONAL MATCH (entry)-[:RANKED_CITED]->(ref:LegalResource)
OPTIONAL MATCH (c)-[:DOCUMENT]->(d:Document)-[:CITY]->(city:City)
RETURN city.label_zh AS city,
       d.id_local AS document,
       c.articleLabel AS article,
       c.identifier AS clause,
       ref.id_local AS cited,
       [] + ref.eli_title_zh AS cited_title,
       ref:Document AS in_corpus,
       total
ORDER BY toInteger(split(entry.iri, '/')[-1])
