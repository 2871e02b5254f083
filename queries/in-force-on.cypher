// name: in-force-on
// question-zh: 在某一日期（默认今天）哪些激励措施处于有效期内？可限定城市和类别（含下位类别）。
// question-en: Which incentives are in force on a given date (default today)? Optionally only one city and one category (with its narrower categories).
// params: date (date, default today), city (city, optional), category (category, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, document, valid_from (date), valid_to (date), article, clause, instrument, categories (list)
// sort: city, document, clause

// Without a city or a category, the total is the build's count for the validity span holding the
// date (ValiditySpan, docs/property-graph.md); with one, the incentives are counted here (counted, not
// collected). The page: ORDER BY ... SKIP ... LIMIT on the indexed Incentive.sortKey reads the
// incentives in index order and stops after the page. Every incentive carries its document's dates in
// force, its city and its categories with the broader ones (IN_CATEGORY).
CALL {
  OPTIONAL MATCH (span:ValiditySpan) WHERE span.spanStart <= $date
  WITH span ORDER BY span.spanStart DESC LIMIT 1
  RETURN coalesce(span.inForceCount, 0) AS spanCount
}
CALL {
  WITH 1 AS filtered WHERE $city IS NOT NULL OR $category IS NOT NULL
  MATCH (c:Incentive)
  WHERE c.validFrom <= $date AND (c.validTo IS NULL OR c.validTo >= $date)
    AND ($city IS NULL OR c.cityName = $city)
    AND ($category IS NULL OR EXISTS { (c)-[:IN_CATEGORY]->(:Concept {iri: $category}) })
  RETURN count(c) AS counted
}
WITH CASE WHEN $city IS NULL AND $category IS NULL THEN spanCount ELSE counted END AS total
CALL {
  MATCH (c:Incentive)
  WHERE c.sortKey >= 0 AND c.validFrom <= $date AND (c.validTo IS NULL OR c.validTo >= $date)
    AND ($city IS NULL OR c.cityName = $city)
    AND ($category IS NULL OR EXISTS { (c)-[:IN_CATEGORY]->(:Concept {iri: $category}) })
  WITH c ORDER BY c.sortKey SKIP $offset LIMIT $limit
  RETURN collect(c) AS page
}
UNWIND CASE WHEN size(page) > 0 THEN page ELSE [null] END AS c
OPTIONAL MATCH (c)-[:DOCUMENT]->(d:Document)
RETURN c.cityName AS city,
       d.id_local AS document,
       c.validFrom AS valid_from,
       c.validTo AS valid_to,
       c.articleLabel AS article,
       c.identifier AS clause,
       head([(c)-[:INSTRUMENT]->(i:Instrument) | split(i.iri, '/instrument/')[1]]) AS instrument,
       [(c)-[:CATEGORY]->(k:Concept) | split(k.iri, '/category/')[1]] AS categories,
       total
ORDER BY c.sortKey
