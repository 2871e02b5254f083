// name: similar-incentives
// question-zh: 其他城市中，与给定条款属于同一类别、采用同一扶持方式的激励措施有哪些？
// question-en: Which incentives in other cities share a category and the instrument of a given clause?
// params: clause (clause, required), city (city, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, document, article, clause, instrument, shared_categories (list), rates (decimal list), caps (list), awards (list), text
// sort: city, document, clause

// The incentives of other cities with one of the given clause's own categories and its instrument, in
// sort-key order, read from the build's rankings (RankEntry nodes, docs/property-graph.md): one per
// (category, instrument) key, ordered by city first, a city's places being one RankRun. Each key
// gives the places of its ranking wanted, its own city's run skipped: with one key the page itself
// (offset .. offset + limit - 1); with several, the first offset + limit of each, merged without
// duplicates, then paged; with a city, places of that city's run. The total is the clause's
// similarTotal, or with a city the entries of its runs, counted.
MATCH (given:Clause {identifier: $clause})-[:INSTRUMENT]->(i:Instrument)
MATCH (given)-[:DOCUMENT]->(:Document)-[:CITY]->(givenCity:City)
WHERE givenCity.label_zh IS NOT NULL AND ($city IS NULL OR $city <> givenCity.label_zh)
MATCH (given)-[:CATEGORY]->(k:Concept)
WITH given, i, coalesce($city, givenCity.label_zh) AS runCity,
     collect('https://w3id.org/policykg/id/ranking/similar-incentives/' + split(k.iri, '/category/')[1] + '/'
             + split(i.iri, '/instrument/')[1]) AS rankings
OPTIONAL MATCH (run:RankRun {cityName: runCity}) WHERE split(run.iri, '/city/')[0] IN rankings
WITH given, i, rankings, collect(run) AS runs
UNWIND rankings AS ranking
OPTIONAL MATCH (r:Ranking {iri: ranking})
WITH given, i, size(rankings) = 1 AS single, ranking, coalesce(r.rankingTotal, 0) AS entries,
     head([run IN runs WHERE split(run.iri, '/city/')[0] = ranking]) AS run
WITH given, i, single, ranking, entries, run IS NOT NULL AS hasRun,
     coalesce(run.runStart, 0) AS runStart, coalesce(run.runLength, 0) AS runLength
WITH given, i, single, ranking, runStart, runLength,
     CASE WHEN $city IS NULL THEN []
          WHEN hasRun THEN range(runStart, runStart + runLength - 1)
          ELSE [] END AS counted,
     CASE WHEN $city IS NOT NULL AND NOT hasRun THEN []
          WHEN $city IS NOT NULL AND single
            THEN range(runStart + $offset, runStart + CASE WHEN runLength < $offset + $limit THEN runLength ELSE $offset + $limit END - 1)
          WHEN $city IS NOT NULL
            THEN range(runStart, runStart + CASE WHEN runLength < $offset + $limit THEN runLength ELSE $offset + $limit END - 1)
          WHEN single
            THEN [p IN range($offset, $offset + $limit - 1) | CASE WHEN p < runStart THEN p ELSE p + runLength END]
          ELSE [p IN range(0, CASE WHEN entries - runLength < $offset + $limit THEN entries - runLength
                                   ELSE $offset + $limit END - 1) | CASE WHEN p < runStart THEN p ELSE p + runLength END]
     END AS places
WITH given, i, single, collect({ranking: ranking, places: places, counted: counted}) AS keys
CALL (keys) {
  UNWIND keys AS key
  UNWIND key.counted AS place
  MATCH (:RankEntry {iri: key.ranking + '/' + toString(place)})-[:RANKED_ITEM]->(item:Incentive)
  RETURN count(DISTINCT item) AS cityTotal
}
CALL (keys) {
  UNWIND keys AS key
  UNWIND key.places AS place
  MATCH (:RankEntry {iri: key.ranking + '/' + toString(place)})-[:RANKED_ITEM]->(item:Incentive)
  WITH DISTINCT item
  ORDER BY item.sortKey
  RETURN collect(item) AS found
}
WITH given, i, CASE WHEN $city IS NULL THEN coalesce(given.similarTotal, 0) ELSE cityTotal END AS total,
     CASE WHEN single THEN found[0..$limit] ELSE found[$offset..$offset + $limit] END AS page
UNWIND CASE WHEN size(page) > 0 THEN page ELSE [null] END AS c
OPTIONAL MATCH (c)-[:DOCUMENT]->(d:Document)
RETURN c.cityName AS city,
       d.id_local AS document,
       c.articleLabel AS article,
       c.identifier AS clause,
       CASE WHEN c IS NULL THEN null ELSE split(i.iri, '/instrument/')[1] END AS instrument,
       [(given)-[:CATEGORY]->(k:Concept)<-[:CATEGORY]-(c) | split(k.iri, '/category/')[1]] AS shared_categories,
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
