// name: top-caps
// question-zh: 某一类别（含下位类别）中最高的补助上限是哪些，按什么计算，出自哪个城市的哪一条？
// question-en: Which are the highest caps in a category (with its narrower categories), what are they per, and which city's article sets them?
// params: category (category, required), city (city, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, document, article, clause, cap (decimal), per, per_year (bool), qualifier, text
// sort: cap desc, city, document, clause

// The caps of the category's incentives (IN_CATEGORY: with every broader category), highest first
// (exact, in fen), then in the clauses' sort-key order; ties on one clause by the cap's IRI. Without
// a city: the build's ranking of the category (RankEntry nodes, docs/property-graph.md), the page
// being the entries offset .. offset + limit - 1 found by IRI and the total the ranking's. With a
// city, its few caps are sorted here.
CALL {
  MATCH (ranking:Ranking {iri: 'https://w3id.org/policykg/id/ranking/top-caps/' + split($category, '/category/')[1]})
  WHERE $city IS NULL
  WITH ranking, [i IN range($offset, $offset + $limit - 1) | ranking.iri + '/' + toString(i)] AS wanted
  OPTIONAL MATCH (entry:RankEntry)-[:RANKED_ITEM]->(amount:Cap) WHERE entry.iri IN wanted
  OPTIONAL MATCH (c:Incentive)-[:AMOUNT]->(amount)
  RETURN c, amount, ranking.rankingTotal AS total
  UNION
  WITH $city AS wantedCity WHERE wantedCity IS NOT NULL
  OPTIONAL MATCH (:Concept {iri: $category})<-[:IN_CATEGORY]-(c:Incentive {cityName: wantedCity})-[:AMOUNT]->(amount:Cap)
  WITH wantedCity, c, amount ORDER BY amount.value_fen DESC, c.sortKey, amount.iri
  WITH wantedCity, [pair IN collect([c, amount]) WHERE pair[0] IS NOT NULL] AS found
  UNWIND CASE WHEN size(found) > $offset AND $limit > 0 THEN found[$offset..$offset + $limit] ELSE [[null, null]] END AS pair
  RETURN pair[0] AS c, pair[1] AS amount, size(found) AS total
}
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
