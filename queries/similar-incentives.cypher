// name: similar-incentives
// question-zh: 其他城市中，与给定条款属于同一类别、采用同一扶持方式的激励措施有哪些？
// question-en: Which incentives in other cities share a category and the instrument of a given clause?
// params: clause (clause, required)
// columns: city, document, article, clause, instrument, shared_categories (list), rates (decimal list), caps (list), awards (list), text
// sort: city, document, clause

MATCH (given:Clause {identifier: $clause})-[:INSTRUMENT]->(i:Instrument)
MATCH (given)-[:DOCUMENT]->(:Document)-[:CITY]->(givenCity:City)
MATCH (given)-[:CATEGORY]->(k:Concept)<-[:CATEGORY]-(c:Incentive)-[:INSTRUMENT]->(i)
MATCH (c)-[:DOCUMENT]->(d:Document)-[:CITY]->(city:City)
WHERE city <> givenCity
WITH c, d, city, i, collect(DISTINCT split(k.iri, '/category/')[1]) AS shared
RETURN city.label_zh AS city,
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
       c.text_zh AS text
ORDER BY city, document, clause
