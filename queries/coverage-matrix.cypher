// name: coverage-matrix
// question-zh: 每个城市在每个类别（含下位类别）有多少项激励措施，最高上限是多少？
// question-en: For every city and every category (with its narrower categories): how many incentives, and what is the highest cap?
// params: city (city, optional), category (category, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, category, incentives (int), highest_cap (decimal)
// sort: city, category

// The build's coverage cells (one per city and concept, see docs/property-graph.md), a page of
// them in the order of their sort keys, and how many there are.
MATCH (cell:CoverageCell)-[:CELL_CATEGORY]->(concept:Concept)
WHERE ($city IS NULL OR cell.cityName = $city) AND ($category IS NULL OR concept.iri = $category)
WITH cell, concept ORDER BY cell.sortKey
WITH collect([cell, concept]) AS found
UNWIND CASE WHEN size(found) > $offset AND $limit > 0 THEN found[$offset..$offset + $limit] ELSE [[null, null]] END AS pair
WITH pair[0] AS cell, pair[1] AS concept, size(found) AS total
RETURN cell.cityName AS city,
       split(concept.iri, '/category/')[1] AS category,
       cell.incentiveCount AS incentives,
       cell.highestCap AS highest_cap,
       total
ORDER BY cell.sortKey
