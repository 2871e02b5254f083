// name: funding-rules
// question-zh: 各城市的奖补资金由谁承担：分担方式、市级与区县比例、适用区县与条目、涉及多少项激励措施？
// question-en: Who pays in each city: funding kind, city and local shares, the districts and articles a rule applies to, and how many incentives it funds?
// params: city (city, optional)
// columns: city, document, rule, kind, city_share (decimal), local_share (decimal), districts (list), applies_to (list), except_articles (list), incentives (int), text
// sort: city, document, rule

MATCH (d:Document)-[:FUNDING_RULE]->(r:FundingRule)
MATCH (d)-[:CITY]->(city:City)
WHERE $city IS NULL OR city.label_zh = $city
RETURN city.label_zh AS city,
       d.id_local AS document,
       r.identifier AS rule,
       r.fundingKind AS kind,
       head([(r)-[:SHARE]->(s:FundingShare {payerLevel: 'city'}) | s.percent]) AS city_share,
       head([(r)-[:SHARE]->(s:FundingShare {payerLevel: 'local'}) | s.percent]) AS local_share,
       [(r)-[:APPLIES_TO_DISTRICT]->(x:District) | x.label_zh] AS districts,
       [] + r.appliesToArticle AS applies_to,
       [] + r.exceptArticle AS except_articles,
       size([(c:Incentive)-[:FUNDED_BY]->(r) | c]) AS incentives,
       r.text_zh AS text
ORDER BY city, document, rule
