// name: top-caps
// question-zh: 某一类别（含下位类别）中最高的补助上限是哪些，按什么计算，出自哪个城市的哪一条？
// question-en: Which are the highest caps in a category (with its narrower categories), what are they per, and which city's article sets them?
// params: category (category, required), n (limit, default 10)
// columns: city, document, article, clause, cap (decimal), per, per_year (bool), qualifier, text
// sort: cap desc, clause, qualifier

MATCH (category:Concept {iri: $category})
MATCH (c:Incentive)-[:CATEGORY]->(:Concept)-[:BROADER*0..]->(category)
WITH DISTINCT c
MATCH (c)-[:AMOUNT]->(amount:Cap)
MATCH (c)-[:DOCUMENT]->(d:Document)-[:CITY]->(city:City)
RETURN city.label_zh AS city,
       d.id_local AS document,
       c.articleLabel AS article,
       c.identifier AS clause,
       amount.value AS cap,
       head([(amount)-[:PER]->(p:PerBasis) | p.label_en]) AS per,
       amount.perYear AS per_year,
       amount.qualifier_zh AS qualifier,
       c.text_zh AS text
ORDER BY amount.value_fen DESC, clause, amount.iri
