// name: in-force-on
// question-zh: 在某一日期（默认今天）哪些激励措施处于有效期内？可限定城市和类别（含下位类别）。
// question-en: Which incentives are in force on a given date (default today)? Optionally only one city and one category (with its narrower categories).
// params: date (date, default today), city (city, optional), category (category, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, document, valid_from (date), valid_to (date), article, clause, instrument, categories (list)
// sort: city, document, clause

// Every incentive carries its document's dates in force, its city and its categories with the
// broader ones (IN_CATEGORY). How many in all (counted, not collected), then a page in the order of
// the sort keys: ORDER BY ... SKIP ... LIMIT on the indexed Incentive.sortKey reads the incentives
// in index order and stops after the page.
CALL {
  MATCH (c:Incentive)
  WHERE c.validFrom <= $date AND (c.validTo IS NULL OR c.validTo >= $date)
    AND ($city IS NULL OR c.cityName = $city)
    AND ($category IS NULL OR EXISTS { (c)-[:IN_CATEGORY]->(:Concept {iri: $category}) })
  RETURN count(c) AS total
}
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
