// name: in-force-on
// question-zh: 在某一日期（默认今天）哪些激励措施处于有效期内？可限定某一类别（含下位类别）。
// question-en: Which incentives are in force on a given date (default today)? Optionally only one category (with its narrower categories).
// params: date (date, default today), category (category, optional)
// columns: city, document, valid_from (date), valid_to (date), article, clause, instrument, categories (list)
// sort: city, document, clause

MATCH (d:Document)
WHERE d.first_date_entry_in_force <= $date
  AND (d.date_no_longer_in_force IS NULL OR d.date_no_longer_in_force >= $date)
MATCH (c:Incentive)-[:DOCUMENT]->(d)
WHERE $category IS NULL
   OR EXISTS { (c)-[:CATEGORY]->(:Concept)-[:BROADER*0..]->(:Concept {iri: $category}) }
MATCH (d)-[:CITY]->(city:City)
RETURN city.label_zh AS city,
       d.id_local AS document,
       d.first_date_entry_in_force AS valid_from,
       d.date_no_longer_in_force AS valid_to,
       c.articleLabel AS article,
       c.identifier AS clause,
       head([(c)-[:INSTRUMENT]->(i:Instrument) | split(i.iri, '/instrument/')[1]]) AS instrument,
       [(c)-[:CATEGORY]->(k:Concept) | split(k.iri, '/category/')[1]] AS categories
ORDER BY city, document, clause
