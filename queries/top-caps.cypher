// name: top-caps
// question-zh: 某一类别（含下位类别）中最高的补助上限是哪些，按什么计算，出自哪个城市的哪一条？
// question-en: Which are the highest caps in a category (with its narrower categories), what are they per, and which city's article sets them?
// params: category (category, required), city (city, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, document, article, clause, cap (decimal), per, per_year (bool), qualifier, text
// sort: cap desc, city, document, clause

// The caps of the category's incentives (IN_CATEGORY: with every broader category), highest first
// (exact, in fen), then in the clauses' sort-key order; ties on one clause by the cap's IRI.
MATCH (:Concept {iri: $category})<-[:IN_CATEGORY]-(c:Incentive)-[:AMOUNT]->(amount:Cap)
WHERE $city IS NULL OR c.cityName = $city
WITH c, amount ORDER BY amount.value_fen DESC, c.sortKey, amount.iri
WITH collect([c, amount]) AS found
UNWIND CASE WHEN size(found) > $offset AND $limit > 0 THEN found[$offset..$offset + $limit] ELSE [[null, null]] END AS pair
WITH pair[0] AS c, pair[1] AS amount, size(found) AS total
OPTIONAL MATCH (c)-[:DOCUMENT]->(d:Document)
RETURN c.cityName AS city,
       d.id_local AS document,
       c.articleLabel AS article,
       c.identifier AS clause,
       amount.value AS cap,
       head([(amount)-[:PER]->(p:PerBasis) | p.label_en]) AS per,
       amount.perYear AS per_year,
       amount.qualifier_zh AS qualifier,
       c.text_zh AS text,
       total
ORDER BY amount.value_fen DESC, c.sortKey, amount.iri
