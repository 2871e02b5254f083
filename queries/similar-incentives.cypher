// name: similar-incentives
// question-zh: 其他城市中，与给定条款属于同一类别、采用同一扶持方式的激励措施有哪些？
// question-en: Which incentives in other cities share a category and the instrument of a given clause?
// params: clause (clause, required), city (city, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, document, article, clause, instrument, shared_categories (list), rates (decimal list), caps (list), awards (list), text
// sort: city, document, clause

// The incentives of other cities with one of the given clause's own categories and its instrument:
// a page in the order of their sort keys, and how many in all.
MATCH (given:Clause {identifier: $clause})-[:INSTRUMENT]->(i:Instrument)
MATCH (given)-[:DOCUMENT]->(:Document)-[:CITY]->(givenCity:City)
MATCH (given)-[:CATEGORY]->(k:Concept)<-[:CATEGORY]-(c:Incentive)-[:INSTRUMENT]->(i)
WHERE c.cityName <> givenCity.label_zh AND ($city IS NULL OR c.cityName = $city)
WITH c, i, collect(DISTINCT split(k.iri, '/category/')[1]) AS shared
ORDER BY c.sortKey
WITH collect([c, i, shared]) AS found
UNWIND CASE WHEN size(found) > $offset AND $limit > 0 THEN found[$offset..$offset + $limit] ELSE [[null, null, null]] END AS item
WITH item[0] AS c, item[1] AS i, item[2] AS shared, size(found) AS total
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
