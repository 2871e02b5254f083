// name: similar-incentives
// question-zh: 其他城市中，与给定条款属于同一类别、采用同一扶持方式的激励措施有哪些？
// question-en: Which incentives in other cities share a category and the instrument of a given clause?
// params: clause (clause, required), city (city, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, document, article, clause, instrument, shared_categories (list), rates (decimal list), caps (list), awards (list), text
// sort: city, document, clause

// The incentives of other cities with one of the given clause's own categories and its instrument:
// how many in all (counted), then a page in the order of their sort keys; the shared categories are
// listed for the page's incentives only.
MATCH (given:Clause {identifier: $clause})-[:INSTRUMENT]->(i:Instrument)
MATCH (given)-[:DOCUMENT]->(:Document)-[:CITY]->(givenCity:City)
CALL {
  WITH given, i, givenCity
  MATCH (given)-[:CATEGORY]->(:Concept)<-[:CATEGORY]-(c:Incentive)-[:INSTRUMENT]->(i)
  WHERE c.cityName <> givenCity.label_zh AND ($city IS NULL OR c.cityName = $city)
  RETURN count(DISTINCT c) AS total
}
CALL {
  WITH given, i, givenCity
  MATCH (given)-[:CATEGORY]->(:Concept)<-[:CATEGORY]-(c:Incentive)-[:INSTRUMENT]->(i)
  WHERE c.cityName <> givenCity.label_zh AND ($city IS NULL OR c.cityName = $city)
  WITH DISTINCT c ORDER BY c.sortKey SKIP $offset LIMIT $limit
  RETURN collect(c) AS page
}
UNWIND CASE WHEN size(page) > 0 THEN page ELSE [null] END AS c
WITH c, CASE WHEN c IS NULL THEN null ELSE i END AS i, total, [(given)-[:CATEGORY]->(k:Concept)<-[:CATEGORY]-(c) | split(k.iri, '/category/')[1]] AS shared
OPTIONAL MATCH (c)-[:DOCUMENT]->(d:Document)
RETURN c.cityName AS city,
       d.id_local AS document,
       c.articleLabel AS article,
       c.identifier AS clause,
       split(i.iri, '/instrument/')[1] AS instrument,
       shared AS shared_categories,
       [(c)-[:RATE]->(r:Rate) | r.percent] AS rates,
       [(c)-[:AMOUNT]->(a:Cap) |
          a.value + ' CNY'
          + coalesce(' ' + head([(a)-[:PER]->(p:PerBasis) | p.label_en]), '')
          + CASE WHEN a.perYear THEN ' per year' ELSE '' END
          + coalesce(' (' + a.qualifier_zh + ')', '')] AS caps,
       [(c)-[:AMOUNT]->(a) WHERE a:Award OR a:PerUnitAmount |
          a.value + ' CNY'
          + coalesce(' per ' + a.unit, '')
          + coalesce(' ' + head([(a)-[:PER]->(p:PerBasis) | p.label_en]), '')
          + CASE WHEN a.perYear THEN ' per year' ELSE '' END
          + coalesce(' (' + a.qualifier_zh + ')', '')] AS awards,
       c.text_zh AS text,
       total
ORDER BY c.sortKey
