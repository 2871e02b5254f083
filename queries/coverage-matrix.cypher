// name: coverage-matrix
// question-zh: 每个城市在每个类别（含下位类别）有多少项激励措施，最高上限是多少？
// question-en: For every city and every category (with its narrower categories): how many incentives, and what is the highest cap?
// params: none
// columns: city, category, incentives (int), highest_cap (decimal)
// sort: city, category

MATCH (city:City), (concept:Concept)
OPTIONAL MATCH (c:Incentive)-[:DOCUMENT]->(:Document)-[:CITY]->(city)
  WHERE EXISTS { (c)-[:CATEGORY]->(:Concept)-[:BROADER*0..]->(concept) }
OPTIONAL MATCH (c)-[:AMOUNT]->(cap:Cap)
WITH city, concept, count(DISTINCT c) AS incentives, collect(cap) AS caps
RETURN city.label_zh AS city,
       split(concept.iri, '/category/')[1] AS category,
       incentives,
       reduce(top = null, cap IN caps |
              CASE WHEN top IS NULL OR cap.value_fen > top.value_fen THEN cap ELSE top END).value AS highest_cap
ORDER BY city, category
