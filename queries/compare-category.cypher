// name: compare-category
// question-zh: 某一类别（含其下位类别）的激励措施在各城市是怎样规定的：扶持方式、比例、上限及其计算单位、门槛、一次性还是每年、追加奖励、资金分担、有效期、条目与原文？
// question-en: How does every city support one category (and its narrower categories): instrument, rates, caps and what they are per, thresholds, one-time or yearly, bonuses, funding, validity, article and source text?
// params: category (category, required), city (city, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, document, article, clause, instrument, rates (decimal list), caps (list), awards (list), tiers (list), thresholds (list), one_time (bool), bonuses (list), funding (list), valid_from (date), valid_to (date), text, source
// sort: city, document, clause

// A page of the category's incentives (IN_CATEGORY: its categories and every broader one) in the
// order of their sort keys, and how many there are in all; the lists are rendered from the
// structure, so that the parity test checks them against the SPARQL side's derived literals.
MATCH (:Concept {iri: $category})<-[:IN_CATEGORY]-(c:Incentive)
WHERE $city IS NULL OR c.cityName = $city
WITH c ORDER BY c.sortKey
WITH collect(c) AS found
UNWIND CASE WHEN size(found) > $offset AND $limit > 0 THEN found[$offset..$offset + $limit] ELSE [null] END AS c
OPTIONAL MATCH (c)-[:DOCUMENT]->(d:Document)
RETURN c.cityName AS city,
       d.id_local AS document,
       c.articleLabel AS article,
       c.identifier AS clause,
       head([(c)-[:INSTRUMENT]->(i:Instrument) | split(i.iri, '/instrument/')[1]]) AS instrument,
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
       [(c)-[:TIER]->(t:Tier)-[:TIER_AMOUNT]->(a) |
          a.value + ' CNY'
          + coalesce(' if ' + head([(t)-[:TIER_THRESHOLD]->(th:Threshold)-[:METRIC]->(m:Metric) |
              m.label_en + ' ' + head([(th)-[:COMPARISON]->(x:Comparison) | x.symbol]) + ' ' + th.value + ' ' + th.unit]), '')] AS tiers,
       [(c)-[:THRESHOLD]->(th:Threshold)-[:METRIC]->(m:Metric) |
          m.label_en + ' ' + head([(th)-[:COMPARISON]->(x:Comparison) | x.symbol]) + ' ' + th.value + ' ' + th.unit] AS thresholds,
       c.oneTime AS one_time,
       [(c)-[:BONUS]->(b:Bonus) |
          '+' + coalesce(head([(b)-[:BONUS_AMOUNT]->(ba) | ba.value]) + ' CNY', b.percent + '%') + ': ' + b.bonusCondition_zh] AS bonuses,
       [(c)-[:FUNDED_BY]->(f:FundingRule) |
          f.fundingKind + coalesce(': city ' + head([(f)-[:SHARE]->(s:FundingShare {payerLevel: 'city'}) | s.percent])
                                   + '%, local ' + head([(f)-[:SHARE]->(s:FundingShare {payerLevel: 'local'}) | s.percent]) + '%', '')] AS funding,
       c.validFrom AS valid_from,
       c.validTo AS valid_to,
       c.text_zh AS text,
       c.sourceFile + ':' + toString(c.sourceStart) + '-' + toString(c.sourceEnd) AS source,
       size(found) AS total
ORDER BY c.sortKey
