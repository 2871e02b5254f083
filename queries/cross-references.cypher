// name: cross-references
// question-zh: 哪些条款引用了其他文件（文号、标题），被引文件是否也在本语料中？
// question-en: Which clauses cite other documents (number, title), and is the cited document in the corpus too?
// params: none
// columns: city, document, article, clause, cited, cited_title (list), in_corpus (bool)
// sort: city, document, clause, cited

MATCH (c:Clause)-[:CITES]->(ref:LegalResource)
MATCH (c)-[:DOCUMENT]->(d:Document)-[:CITY]->(city:City)
RETURN city.label_zh AS city,
       d.id_local AS document,
       c.articleLabel AS article,
       c.identifier AS clause,
       ref.id_local AS cited,
       [] + ref.eli_title_zh AS cited_title,
       ref:Document AS in_corpus
ORDER BY city, document, clause, cited
