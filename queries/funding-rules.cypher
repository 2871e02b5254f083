// name: funding-rules
// question-zh: 各城市的奖补资金由谁承担：分担方式、市级与区县比例、适用区县与条目、涉及多少项激励措施？
// question-en: Who pays in each city: funding kind, city and local shares, the districts and articles a rule applies to, and how many incentives it funds?
// params: city (city, optional), limit (limit, default 100), offset (offset, default 0)
// columns: city, document, rule, kind, city_share (decimal), local_share (decimal), districts (list), applies_to (list), except_articles (list), incentives (int), text
// sort: city, document, rule

// A page of the funding rules in the order of their sort keys (city, document, rule), and how many.
MATCH (r:FundingRule)
WHERE $city IS NULL OR r.cityName = $city
WITH r ORDER BY r.sortKey
WITH collect(r) AS found
UNWIND CASE WHEN size(found) > $offset AND $limit > 0 THEN found[$offset..$offset + $limit] ELSE [null] END AS r
OPTIONAL MATCH (d:Document)-[:FUNDING_RULE]->(r)
RETURN r.cityName AS city,
       d.id_local AS document,
       r.identifier AS rule,
       r.fundingKind AS kind,
       head([(r)-[:SHARE]->(s:FundingShare {payerLevel: 'city'}) | s.percent]) AS city_share,
       head([(r)-[:SHARE]->(s:FundingShare {payerLevel: 'local'}) | s.percent]) AS local_share,
       [(r)-[:APPLIES_TO_DISTRICT]->(x:District) | x.label_zh] AS districts,
       [] + r.appliesToArticle AS applies_to,
       [] + r.exceptArticle AS except_articles,
       size([(c:Incentive)-[:FUNDED_BY]->(r) | c]) AS incentives,
       r.text_zh AS text,
       size(found) AS total
ORDER BY r.sortKey
