"""Every label the app shows, in Chinese and English, and `t(key)` to pick one for the current language.

The language lives in st.session_state["lang"] ("zh" or "en"; `?lang=en` in the URL sets it).
The terms of the clause models (instruments, amount roles, what an amount is per, threshold
metrics, categories) are shown with the ontology's own zh/en labels (graph/vocabulary.py), so the
app, the graph and the exports say the same thing the same way; the lexicon's terms
(ontology/lexicon/) label the rest, and the app's own words (units, funding kinds) are here.
"""
from __future__ import annotations

import re

from pypinyin import lazy_pinyin

from graph.vocabulary import card_wording, term_label
from ingest import lexicon
from ingest.model import UNKNOWN_CITY

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

LABELS: dict[str, tuple[str, str]] = {
    # app frame
    "app.title": ("跨境电商扶持政策比较", "Cross-border e-commerce support policies compared"),
    "app.caption": ("五个城市的扶持条款，逐条对照，均可追溯到原文。",
                    "Incentives of each city side by side, every figure traced back to its source sentence."),
    "app.language": ("语言 / Language", "语言 / Language"),
    "app.view": ("视图", "View"),
    "app.store": ("数据库", "Store"),
    "app.building": ("首次启动：正在从 corpus/ 构建知识图谱……", "First start: building the graph from corpus/ ..."),
    "app.built": ("已构建：{documents} 份文件，{clauses} 条条款，{triples} 个三元组。",
                  "Built: {documents} documents, {clauses} clauses, {triples} triples."),
    "app.store_error": ("无法加载数据库：{error}", "Cannot load the store: {error}"),
    "app.neo4j_down": ("已配置 Neo4j（{uri}），但无法连接。本应用继续使用内嵌数据库（SPARQL 可用，Cypher 不可用）。"
                       "原因：{error}",
                       "Neo4j is configured ({uri}) but cannot be reached. The app carries on with the embedded "
                       "store (SPARQL works, Cypher does not). Reason: {error}"),
    "app.neo4j_up": ("Neo4j 已连接：{uri}", "Neo4j connected: {uri}"),
    "app.summary": ("{documents} 份文件 · {cities} 个城市 · {incentives} 条扶持条款",
                    "{documents} documents · {cities} cities · {incentives} incentives"),
    "app.unknown_view": ("没有名为 “{view}” 的视图，已显示总览。", "No view named '{view}'; showing the overview."),
    # views
    "view.overview": ("总览", "Overview"),
    "view.compare": ("比较", "Compare"),
    "view.document": ("文件", "Document"),
    "view.graph": ("图谱", "Graph"),
    "view.timeline": ("时间线", "Timeline"),
    "view.console": ("查询控制台", "Query console"),
    "view.export": ("导出", "Export"),
    "view.draft": ("政策起草", "Draft"),
    "view.estimate": ("补贴测算", "Estimate"),
    "view.upload": ("上传文件", "Upload"),
    # overview
    "overview.matrix": ("城市 × 类别：谁支持什么（单元格为最高金额）",
                        "City × category: who supports what (each cell shows the highest cap)"),
    "overview.matrix_help": ("✓ 表示该城市在此类别有扶持条款；金额为该类别所有条款中最高的上限或奖励额，"
                             "悬停可见精确金额与条款。点击类别名进入比较。",
                             "✓ means the city has an incentive in the category; the amount is the highest "
                             "cap or award among them (hover for the exact yuan and the article). Click a "
                             "category to compare."),
    "overview.category": ("类别", "Category"),
    "overview.documents": ("文件", "Documents"),
    "overview.no_amount": ("有扶持，未写明金额", "supported, no amount stated"),
    # documents
    "doc.number": ("文号", "Number"),
    "doc.title": ("标题", "Title"),
    "doc.issuer": ("发文机关", "Issuer"),
    "doc.validity": ("有效期", "Validity"),
    "doc.issued": ("成文日期", "Issued"),
    "doc.awards": ("奖补年度", "Awards period"),
    "doc.clauses": ("{clauses} 条条款，其中 {incentives} 条扶持", "{clauses} clauses, {incentives} incentives"),
    "doc.open": ("打开原文", "Open the text"),
    "status.in-force": ("现行有效", "In force"),
    "status.expired": ("已失效", "Expired"),
    "status.not-yet": ("尚未生效", "Not yet in force"),
    "status.unknown": ("有效期不明", "Validity unknown"),
    "status.today": ("（截至今天 {day}）", "(as of today, {day})"),
    "date.open": ("起", "onwards"),
    "date.unknown": ("未写明", "not stated"),
    "date.computed": ("（按“{duration}”推算）", "(computed from '{duration}')"),
    # compare
    "compare.category": ("类别（可输入中文或英文搜索）", "Category (type zh or en to search)"),
    "compare.on": ("在此日期是否有效", "In force on"),
    "compare.all_kinds": ("同时显示措施与目标（非扶持条款）", "Also show measures and targets (not incentives)"),
    "compare.heading": ("{category}：各城市对照", "{category}: every city side by side"),
    "compare.none": ("无此类别的扶持条款", "No incentive in this category"),
    "payout.max_heading": ("单家企业每年最多可得（按条款）", "Most one enterprise can get per year (per clause)"),
    "payout.max_help": ("已计入数量限制（如单家企业最多2个独立站）；“仅有上限”的条款只写了“不超过”，具体金额另定；"
                        "所有企业共享的资金总额不算作一家企业的上限。",
                        "Counts limits applied (such as at most 2 sites per enterprise); a “ceiling only” clause "
                        "states only an upper bound, the amount being decided case by case; a pool shared by all "
                        "enterprises is never one enterprise's cap."),
    "payout.max": ("每家企业每年最多", "Most per enterprise per year"),
    "payout.how": ("计算", "How"),
    "payout.limits": ("数量限制", "Counts limits"),
    "payout.requirements": ("申报条件", "Conditions"),
    "payout.no_bound": ("原文未设上限", "no bound in the text"),
    "payout.ceiling": ("仅有上限（最多）", "ceiling only (up to)"),
    "payout.certain": ("确定金额", "certain"),
    "payout.up_to": ("最多（含仅有上限的条款）", "up to (with ceiling-only clauses)"),
    "payout.curve_heading": ("补贴曲线：支出为 X 元时，各城市支付多少（{day}）",
                             "Payout curve: at a spend of X yuan, what each city pays ({day})"),
    "payout.curve_help": ("由补贴测算引擎按满足全部条件的一家企业计算：{who}。实线为确定金额，虚线为“最多”"
                          "（含只写了“不超过”的条款）。在该日期不在有效期内的城市支付为零。",
                          "Computed by the estimate engine for one enterprise that meets every condition: {who}. "
                          "Solid lines are certain amounts; dashed lines are “up to” (with clauses that state only "
                          "a ceiling). A city whose policy is not in force on that date pays nothing."),
    "payout.curve_none": ("此类别没有可计算的补贴曲线（无法确定支出口径）；见上表的最高金额。",
                          "No payout curve for this category (no single spend to vary); see the maxima above."),
    "payout.spend": ("支出（元）", "Spend (yuan)"),
    "payout.pays": ("支付（元）", "Pays (yuan)"),
    "payout.line": ("线型", "Line"),
    "payout.not_in_force": ("（{day}不在有效期内）", " (not in force on {day})"),
    "req.level.city": ("市级", "city-level"),
    "req.level.province": ("省级", "provincial"),
    "scope.site": ("独立站", "site"),
    "scope.warehouse": ("海外仓", "warehouse"),
    "scope.store": ("店铺", "store"),
    "scope.beneficiary": ("申报主体", "beneficiary"),
    "scope.enterprise": ("企业", "enterprise"),
    "scope.park": ("园区", "park"),
    "compare.source": ("原文", "Source"),
    "compare.open": ("在文件中查看", "see it in the document"),
    "compare.page": ("第 {a}–{b} 条，共 {n} 条", "cards {a}-{b} of {n}"),
    "compare.pages": ("翻页", "Page"),
    "console.next": ("下一页", "Next page"),
    "compare.cities": ("{n} 个城市中有 {k} 个在此类别有扶持条款。", "{k} of {n} cities have an incentive in this category."),
    "field.article": ("条款", "Article"),
    "field.instrument": ("方式", "Instrument"),
    "field.rate": ("比例", "Rate"),
    "field.cap": ("上限", "Cap"),
    "field.award": ("金额", "Award"),
    "field.per_unit": ("单价", "Per unit"),
    "field.tiers": ("分档", "Tiers"),
    "field.thresholds": ("门槛", "Thresholds"),
    "field.frequency": ("一次性/每年", "One-time or yearly"),
    "field.bonuses": ("加码", "Bonuses"),
    "field.funding": ("资金分担", "Funding split"),
    "field.validity": ("有效期", "Validity"),
    "field.in_force": ("是否有效", "In force"),
    "field.beneficiary": ("对象", "Beneficiary"),
    "field.conditions": ("条件", "Conditions"),
    "field.stacking": ("叠加规则", "Stacking"),
    "field.agencies": ("责任单位", "Agencies"),
    "field.kind": ("条款类型", "Clause kind"),
    "field.categories": ("类别", "Categories"),
    "field.unparsed": ("未解析的金额", "Figures not parsed"),
    "field.references": ("引用文件", "References"),
    "field.document": ("文件", "Document"),
    "field.city": ("城市", "City"),
    "field.text": ("原文", "Source text"),
    "field.yuan": ("金额（元）", "Amount (yuan)"),
    "field.pool": ("资金总额（所有企业合计，非单家企业上限）", "Pool for all enterprises together (not one firm's cap)"),
    "field.count_limits": ("数量限制", "Count limits"),
    "field.requirements": ("申报条件", "Requirements"),
    "limit.count": ("{per}最多{count}个{unit}", "at most {count} × {unit} {per}"),
    "card.req.other": ("{text}", "{text} (as written)"),
    "freq.once": ("一次性", "one-time"),
    "freq.yearly": ("每年", "yearly"),
    "freq.unknown": ("未写明", "not stated"),
    "kind.incentive": ("扶持", "incentive"),
    "kind.measure": ("措施", "measure"),
    "kind.target": ("目标", "target"),
    "kind.general": ("一般规定", "general"),
    "per.year": ("每年", "per year"),
    "per.m2": ("每平方米", "per m²"),
    "period.one-time": ("一次性", "one-time"),
    "period.yearly": ("每年", "per year"),
    "period.term": ("政策期内", "for the policy's term"),
    "unit.USD imported": ("每进口1美元", "per USD imported"),
    "unit.person": ("每人", "per person"),
    "unit.enterprise": ("每家", "per enterprise"),
    "unit.enterprise added": ("每新增一家", "per enterprise added"),
    "unit.flight": ("每班", "per flight"),
    "unit.m2-month": ("每平方米每月", "per m² per month"),
    "tunit.USD": ("美元", "USD"),
    "tunit.CNY": ("元", "yuan"),
    "tunit.m2": ("平方米", "m²"),
    "tunit.enterprise": ("家", "enterprises"),
    "tunit.person": ("人", "persons"),
    "tunit.day": ("天", "days"),
    "tunit.year": ("年", "years"),
    "tunit.month": ("个月", "months"),
    "tunit.flight": ("班", "flights"),
    "tunit.order": ("单", "orders"),
    "tunit.percent": ("%", "%"),
    "tunit.item": ("个", "items"),
    "tunit.parcel": ("件", "parcels"),
    "tunit.event": ("场", "events"),
    "funding.shared": ("市级 {city}% / 属地 {local}%", "city {city}% / local {local}%"),
    "funding.local": ("属地政府全额承担", "paid entirely by the local government"),
    "funding.city": ("市级财政承担", "paid by the city"),
    "funding.fiscal-system": ("按现行财政体制分担", "shared under the current fiscal system"),
    "funding.districts": ("（{districts}）", " ({districts})"),
    # document view
    "document.pick": ("文件", "Document"),
    "document.clause": ("条款", "Clause"),
    "document.text": ("原文（每条条款以颜色标出，点击查看其字段）",
                      "Original text (each clause highlighted; click one to see its fields)"),
    "document.fields": ("抽取的字段", "Extracted fields"),
    "document.no_text": ("找不到原文文件 {file}：显示条款文本。", "Source file {file} not found: showing the clause texts."),
    "document.record": ("完整记录（JSON）", "Full record (JSON)"),
    "document.legend": ("图例：", "Legend: "),
    "document.none": ("未选择条款：点击左侧原文中的条款。", "No clause selected: click a clause in the text."),
    # graph
    "graph.mode": ("中心", "Centre on"),
    "graph.by_category": ("类别", "a category"),
    "graph.by_city": ("城市", "a city"),
    "graph.missing": ("图谱视图需要 graph/projection.py（尚未就绪）。", "The graph view needs graph/projection.py (not there yet)."),
    "graph.help": ("可拖动节点、滚轮缩放；离线可用。", "Drag nodes, scroll to zoom; works offline."),
    # timeline
    "timeline.date": ("选择日期", "Pick a date"),
    "timeline.chart": ("各文件有效期", "Validity period of every document"),
    "timeline.in_force": ("{day} 有效的文件：{n} 份", "In force on {day}: {n} documents"),
    "timeline.awards": ("奖补年度", "awards period"),
    "timeline.validity": ("有效期", "validity"),
    "timeline.none": ("这一天没有有效的文件。", "No document is in force on that day."),
    "timeline.incentives": ("{n} 条扶持条款", "{n} incentives"),
    # console
    "console.language": ("查询语言", "Query language"),
    "console.example": ("示例（queries/ 中的命名查询）", "Example (named queries from queries/)"),
    "console.none": ("（自己写）", "(write your own)"),
    "console.query": ("查询", "Query"),
    "console.params": ("参数", "Parameters"),
    "console.run": ("运行", "Run"),
    "console.timeout": ("时限（秒）", "Time limit (s)"),
    "console.rowlimit": ("行数上限", "Row limit"),
    "console.limits": ("只读；时限 {timeout} 秒；最多 {limit} 行。", "Read-only; time limit {timeout} s; at most {limit} rows."),
    "console.rows": ("{n} 行，用时 {ms} 毫秒", "{n} rows in {ms} ms"),
    "console.truncated": ("结果已截断为前 {limit} 行。", "Result cut to the first {limit} rows."),
    "console.no_cypher": ("未设置 NEO4J_URI：只能使用 SPARQL。", "NEO4J_URI is not set: SPARQL only."),
    "console.cypher_down": ("Neo4j 不可用：只能使用 SPARQL。", "Neo4j is not reachable: SPARQL only."),
    "console.missing": ("查询需要 graph/store.py（尚未就绪）。", "Queries need graph/store.py (not there yet)."),
    "console.download": ("下载结果 CSV", "Download the result as CSV"),
    "console.description": ("说明", "About"),
    # export
    "export.comparison": ("当前比较（CSV）", "The current comparison (CSV)"),
    "export.comparison_help": ("类别：{category}；日期：{day}。", "Category: {category}; date: {day}."),
    "export.graph": ("整个图谱", "The whole graph"),
    "export.turtle": ("下载 Turtle", "Download Turtle"),
    "export.jsonld": ("下载 JSON-LD", "Download JSON-LD"),
    "export.csv": ("下载 CSV", "Download CSV"),
    "export.prepare": ("生成图谱文件", "Prepare the graph files"),
    "export.missing": ("导出图谱需要 graph/store.py（尚未就绪）。", "Exporting the graph needs graph/store.py (not there yet)."),
    "export.clauses": ("所有条款（CSV，公开记录格式）", "Every clause (CSV, the public record format)"),
    # draft
    "draft.category": ("类别", "Category"),
    "draft.reference": ("参照城市（可选）", "Reference city (optional)"),
    "draft.none": ("（不参照）", "(none)"),
    "draft.ranges": ("各城市的参数范围", "Parameter ranges across cities"),
    "draft.params": ("设置参数", "Set the parameters"),
    "draft.result": ("草案", "Draft"),
    "draft.download": ("下载草案文件", "Download Markdown"),
    "draft.group": ("同类口径", "Like-for-like group"),
    "draft.min": ("最小", "min"),
    "draft.max": ("最大", "max"),
    "draft.median": ("中位数", "median"),
    "chosen.user": ("用户设定", "set by the user"),
    "chosen.median": ("同类中位数", "median of its group"),
    "chosen.majority": ("多数先例", "most precedents"),
    "chosen.model": ("同参照条款", "as the model precedent"),
    "chosen.none": ("未使用", "not used"),
    "param.rate": ("比例（%）", "Rate (%)"),
    "param.cap": ("上限", "Cap"),
    "param.award": ("定额", "Fixed award"),
    "param.per_unit": ("单价", "Per-unit amount"),
    "param.threshold": ("门槛", "Threshold"),
    "param.bonus": ("加码", "Bonus"),
    "param.one_time": ("一次性或每年", "One-time or yearly"),
    "param.city_share": ("市级承担比例（%）", "City share of funding (%)"),
    "draft.other_groups": ("其他口径（不参与中位数）", "Other groups (not in the median)"),
    "draft.missing": ("起草需要 analysis/draft.py（尚未就绪）。", "Drafting needs analysis/draft.py (not there yet)."),
    # estimate
    "estimate.profile": ("企业情况", "Enterprise profile"),
    "estimate.upload": ("或上传 YAML/JSON 企业档案", "or upload a YAML/JSON profile"),
    "estimate.sample": ("示例企业", "Sample enterprise"),
    "estimate.run": ("测算", "Estimate"),
    "estimate.total": ("合计", "Total"),
    "estimate.items": ("可享受的项目", "Items"),
    "estimate.not_computable": ("无法计算的项目", "Not computable"),
    "estimate.not_eligible": ("不符合条件的项目", "Not eligible"),
    "estimate.excluded": ("因叠加规则排除的项目", "Excluded by a stacking rule"),
    "estimate.missing": ("测算需要 analysis/estimate.py（尚未就绪）。", "Estimating needs analysis/estimate.py (not there yet)."),
    "estimate.bad_profile": ("企业档案无法读取：{error}", "The profile cannot be read: {error}"),
    "estimate.amount": ("金额", "Amount"),
    "estimate.as_of": ("测算日期", "Estimate as of"),
    "estimate.date_note": ("按 {day} 有效的政策测算；不在有效期内的政策不计。",
                           "Estimated for {day}: a policy not in force on that day pays nothing."),
    "estimate.range": ("{total} – {up_to}", "{total} – {up_to}"),
    "estimate.certain": ("确定", "certain"),
    "estimate.up_to": ("最多", "up to"),
    "estimate.ceilings": ("仅有上限的项目（金额另定，最多）", "Ceiling-only items (amount decided case by case, up to)"),
    "estimate.not_in_force": ("不在有效期内的条款", "Not in force on that date"),
    "estimate.used_profile": ("所用企业档案", "Profile used"),
    "estimate.typed": ("（表单填写）", "(typed in the form)"),
    "estimate.uploaded": ("（上传文件：{name}）", "(uploaded: {name})"),
    "estimate.explanation": ("计算说明", "Explanation"),
    "estimate.upload_profile": ("或上传企业档案文件", "or upload a profile file (YAML or JSON)"),
    # upload
    "upload.help": ("上传一份政策文件（txt、md、pdf、docx、html）。它会被解析，加入数据库，新城市随即出现在每个视图中。",
                    "Upload a policy document (txt, md, pdf, docx, html). It is ingested and added to the store, "
                    "and its city then appears in every view."),
    "upload.file": ("文件", "File"),
    "upload.preview": ("解析结果", "What was read"),
    "upload.add": ("加入数据库", "Add it to the store"),
    "upload.added": ("已加入：{city}（{number}），{clauses} 条条款。", "Added: {city} ({number}), {clauses} clauses."),
    "upload.replaces": ("将替换数据库中同一城市的同一文件：{docs}。", "This replaces the same document of the same city already in the store: {docs}."),
    "upload.replaces_other": ("这份{city}文件（{number}）将替换另一城市的文件：{docs}。请核对文号；确需替换请勾选下方确认。",
                              "This {city} document ({number}) would replace another city's document: {docs}. "
                              "Check its 文号; tick the box below only if it should replace it."),
    "upload.confirm_replace": ("确认替换 {docs}", "Yes, replace {docs}"),
    "upload.reading": ("正在解析文件", "Reading the file"),
    "upload.adding": ("正在加入数据库", "Adding it to the store"),
    "console.running": ("查询运行中", "Query running"),
    "estimate.running": ("正在估算", "Estimating"),
    "upload.failed": ("无法解析：{error}", "Cannot ingest it: {error}"),
    "upload.see": ("去看看：", "See it in: "),
    "upload.neo4j": ("Neo4j 未同步：{error}", "Neo4j not updated: {error}"),
    "upload.structure.numbered": ("结构：有编号条目", "Structure: numbered parts"),
    "upload.structure.unstructured": ("结构：无编号，按段落拆分为条款", "Structure: no numbering, one clause per paragraph"),
    "upload.place": ("地点：{place}（{level}）", "Place: {place} ({level})"),
    "upload.found": ("如何找到", "How it was found"),
    "upload.validity": ("有效期：印发 {issued}，自 {start} 至 {end}", "Validity: issued {issued}, from {start} to {end}"),
    "upload.funding": ("资金分担规则：{n} 条", "Funding rules: {n}"),
    "upload.clauses": ("条款及其字段", "Clauses and their fields"),
    "upload.unparsed": ("未能解析的金额或比例：{n} 处", "Numbers not understood: {n}"),
    "upload.status": ("状态：{status}", "Status: {status}"),
    "upload.warn.unstructured": ("文件没有编号结构：每个段落成为一条条款。", "No numbered parts: each paragraph became a clause."),
    "upload.warn.city": ("未能识别城市：将记为“未知”。可用 sidecar 或 --city 指定。",
                         "No city found: it will be stored as unknown. Give it in a sidecar or with --city."),
    "upload.warn.validity": ("未找到有效期（印发、施行或截止日期）。", "No validity found (no date of issue, entry into force or expiry)."),
    "upload.warn.funding": ("未找到资金分担规则。", "No funding rule found: who pays is not stated."),
    "upload.warn.numbers": ("{n} 处金额或比例未能解析，见下表。", "{n} money amounts or percentages were not understood (listed below)."),
    "upload.warn.draft": ("这是征求意见稿，不是生效的政策。", "This is a draft (征求意见稿), not a policy in force."),
    # misc
    "misc.yes": ("是", "yes"),
    "misc.no": ("否", "no"),
    "misc.none": ("—", "—"),
    "misc.all": ("全部", "all"),
    "misc.missing_module": ("此功能需要 {module}（尚未就绪）。", "This needs {module} (not there yet)."),
}

_PLACE_SUFFIX = (("自治县", "Autonomous County"), ("新区", "New Area"), ("开发区", "Development Zone"),
                 ("市", "City"), ("区", "District"), ("县", "County"))


def current() -> str:
    """The language of this session: st.session_state["lang"], else the default."""
    import streamlit as st

    lang = st.session_state.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = None, **values) -> str:
    """The label `key` in `lang` (default: the session's), with {placeholders} filled in.

    >>> t("view.compare", "en"), t("view.compare", "zh")
    ('Compare', '比较')
    >>> t("compare.cities", "en", n=5, k=4)
    '4 of 5 cities have an incentive in this category.'
    >>> t("no.such.key", "en")
    'no.such.key'
    """
    pair = LABELS.get(key)
    if pair is None:
        return key
    text = pair[LANGS.index(lang or current())]
    return text.format(**values) if values else text


TERM_KINDS = ("instrument", "per", "metric", "role", "category", "status", "requirement")  # labelled in ontology/*.ttl (graph.vocabulary)
LEXICON_FAMILY = {"tunit": "unit"}  # vocab prefixes named differently from their lexicon family


def requirement_wording(kind: str, lang: str | None = None, direct: bool = False) -> str | None:
    """How a card states a requirement of `kind`, {scope} and {value} to fill in: the ontology's
    pkg:cardWording of requirement:KIND (pkg:directWording for a domain held directly); None for a
    kind the ontology does not declare.

    >>> requirement_wording("own-turnover", "zh"), requirement_wording("galaxy", "en") is None
    ('{scope}自身交易额 ≥ {value}', True)
    """
    return card_wording(kind, lang or current(), direct)


def vocab(prefix: str, value: str | None, lang: str | None = None) -> str:
    """A clause-model value (instrument, per, metric, ...) in words; unknown values as they are.

    >>> vocab("per", "site", "zh"), vocab("per", "galaxy", "en"), vocab("metric", "other", "en")
    ('每个独立站', 'galaxy', 'other metric')
    >>> vocab("metric", "days", "en"), vocab("metric", "parcels", "zh"), vocab("per", "project", "en")
    ('days', '件数', 'per project')
    """
    if value is None:
        return ""
    lang = lang or current()
    if prefix in TERM_KINDS:  # a term of the ontology: its labels, the one vocabulary
        label = term_label(prefix, value, lang)
        if label is not None:
            return label
    key = f"{prefix}.{value}"
    if key in LABELS:
        return t(key, lang)
    entry = lexicon.default().terms(LEXICON_FAMILY.get(prefix, prefix)).get(value)
    if entry is not None and entry.zh and entry.en:  # a term the table lacks: the ontology's labels
        return entry.zh if lang == "zh" else entry.en
    return _counted_unit(value, lang) if prefix == "unit" else value


def _counted_unit(value: str, lang: str) -> str:
    """A per-unit amount's unit of N things ('100000 parcels', a lexicon `notation_counted`) in
    words; any other value as it is.

    >>> _counted_unit("100000 parcels", "zh"), _counted_unit("100000 parcels", "en"), _counted_unit("x", "en")
    ('每10万件', 'per 100,000 parcels', 'x')
    """
    for entry in lexicon.default().terms("unit").values():
        template = entry.get("notation_counted")
        m = re.fullmatch(re.escape(template).replace(r"\{n\}", r"(\d+)"), value) if template else None
        if m and entry.get("counted"):
            n = int(m.group(1))
            if lang == "en":
                return f"per {n:,} {template.split('}', 1)[1].strip()}"
            return f"每{n // 10000}万{entry.get('counted')[0]}" if n % 10000 == 0 else f"每{n}{entry.get('counted')[0]}"
    return value


def pinyin(name: str) -> str:
    """A place name in pinyin, capitalised, without tones (pypinyin): 温州 -> Wenzhou, 盐湖区 -> Yanhu District.

    >>> pinyin("温州"), pinyin("盐湖区"), pinyin("永济市"), pinyin("丽水")
    ('Wenzhou', 'Yanhu District', 'Yongji City', 'Lishui')
    """
    for zh, en in _PLACE_SUFFIX:
        if name.endswith(zh) and len(name) > len(zh) + 1:
            return f"{pinyin(name[:-len(zh)])} {en}"
    return "".join(lazy_pinyin(name)).capitalize()


def city(name: str | None, lang: str | None = None) -> str:
    """A city as shown: 温州 in Chinese, 'Wenzhou (温州)' in English, any city or district via
    pinyin; a document whose city could not be read (None) is shown as 未知 / 'unknown (未知)'.

    >>> city("温州", "en"), city("温州", "zh"), city("上城区", "en"), city(None, "zh"), city(None, "en")
    ('Wenzhou (温州)', '温州', 'Shangcheng District (上城区)', '未知', 'unknown (未知)')
    """
    if name is None:
        name = UNKNOWN_CITY
    if (lang or current()) == "en":
        if name == UNKNOWN_CITY:
            return f"unknown ({name})"
        if any("\u4e00" <= ch <= "\u9fff" for ch in name):
            return f"{pinyin(name)} ({name})"
    return name
