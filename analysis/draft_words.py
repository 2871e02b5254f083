"""The words of a Chinese draft clause: subjects per category, metric, unit, basis and period names,
and amounts written the way the documents write them (20万元, 1亿元, 200万美元, 3000平方米, 1年)."""
from __future__ import annotations

from decimal import Decimal

SUBJECTS = {
    "independent-site": "自建跨境电商独立站", "exhibition": "参加境内外展会", "trademark": "在境外注册自有商标",
    "patent": "获得境外专利授权", "certification": "通过国际认证", "export-credit-insurance": "投保出口信用保险",
    "overseas-warehouse": "自建或租赁海外仓", "public-overseas-warehouse": "建设经认定的市级公共海外仓",
    "brand-promotion": "开展自主品牌境外推广", "import": "开展进口业务", "talent": "开展跨境电商人才培训",
    "logistics": "开展跨境电商物流业务", "industrial-park": "建设运营跨境电商产业园",
    "service-provider": "为跨境电商企业提供综合服务", "platform": "运营跨境电商交易平台",
    "demonstration-award": "新获评跨境电商示范企业", "outbound-investment": "在境外开展投资项目",
    "service-trade": "开展服务贸易出口", "store-opening": "在第三方跨境电商平台开设店铺",
    "export-business": "开展跨境电商出口业务", "consolidation-warehouse": "运营进出口集货仓",
    "live-streaming": "开展跨境直播", "industrial-belt": "建设产业带选品中心或线上专区",
    "events": "举办跨境电商会议、展览等活动", "overseas-network": "建设跨境电商海外网络站点",
}
METRIC_ZH = {
    "exports": "年度跨境电商出口额", "turnover": "年度跨境电商交易额", "imports": "年度进口额",
    "service-exports": "年度服务贸易出口额", "area": "使用面积", "operating-time": "运营时间",
    "enrolment": "招生人数", "training-days": "培训天数", "trainees": "每场培训人数",
    "investment": "中方实际投资额", "ownership": "持有独立站域名所有权主体的股份", "enterprises": "服务企业数量",
    "revenue": "服务营收", "logistics-revenue": "年度跨境链路物流收入", "growth": "服务营收同比增幅",
    "orders": "交易数量", "flights": "全年航班数", "contract-years": "劳动合同期限", "share": "占比",
    "trade": "年度跨境电商进出口额", "contract-value": "合同金额",
}
UNIT_ZH = {"USD": "美元", "CNY": "元", "m2": "平方米", "person": "人", "day": "天", "year": "年",
           "month": "个月", "enterprise": "家", "percent": "%", "order": "单", "flight": "班"}
PER_ZH = {"site": "单个独立站", "enterprise": "单家企业", None: "单家企业", "booth": "每个展位",
          "warehouse": "单个海外仓", "session": "每场培训", "institution": "单个机构", "event": "单个活动",
          "operator": "单个运营主体", "platform": "单个平台", "center": "单个选品中心", "store": "单个店铺",
          "all-enterprises": "所有企业合计", "m2": "每平方米", "usd": "每美元", "person": "每人", "flight": "每班",
          "parcel": "每件", "project": "单个项目", "brand": "每个品牌", "district": "每个区、县"}
PERIOD_ZH = {"one-time": "一次性", "yearly": "每年", "term": "政策期内", None: "期限未定"}
KIND_ZH = {"cap": "比例或单价的上限", "ceiling": "仅有上限", "award": "定额", "per-unit": "单价", "bonus": "加码"}
SCOPE_ZH = {"site": "独立站自身", "store": "店铺自身", "warehouse": "海外仓", "enterprise": "企业", "park": "园区",
            "beneficiary": "申报主体", None: ""}
SITE_METRIC_ZH = {"turnover": "当年独立站后台实际交易数据"}
UNIT_PER_ZH = {"USD imported": "进口1美元", "person": "人", "m2-month": "平方米每月", "flight": "班",
               "enterprise": "家企业"}
NOUNS = ("资金扶持", "资金支持", "资金奖励", "补助", "奖励")


def fmt(d: Decimal) -> str:
    d = d.normalize()
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    return f"{d:,f}"


def plain(d: Decimal) -> str:
    return fmt(d).replace(",", "")


def zh_amount(v: Decimal, unit: str | None = "CNY") -> str:
    """Money and quantities the way the documents write them.

    >>> zh_amount(Decimal(200000)), zh_amount(Decimal(8000)), zh_amount(Decimal(2000000), "USD")
    ('20万元', '8000元', '200万美元')
    >>> zh_amount(Decimal(100000000)), zh_amount(Decimal(3000), "m2"), zh_amount(Decimal(50), "percent")
    ('1亿元', '3000平方米', '50%')
    """
    word = UNIT_ZH.get(unit or "CNY", unit or "")
    if unit in ("CNY", "USD", None):
        if v >= 100000000 and v % 100000000 == 0:
            return f"{plain(v / 100000000)}亿{word}"
        if v >= 10000:
            return f"{plain(v / 10000)}万{word}"
    return f"{plain(v)}{word}"


def group_label(name: str, key: tuple) -> str:
    """A group in words: 仅有上限·单家企业·一次性, 年度跨境电商出口额（美元·企业）."""
    if not key:
        return ""
    if name == "threshold":
        metric, unit, scope = key
        words = [x for x in (UNIT_ZH.get(unit, unit), SCOPE_ZH.get(scope, scope)) if x]
        label = SITE_METRIC_ZH.get(metric) if scope == "site" else None
        return f"{label or METRIC_ZH.get(metric, metric)}（{'·'.join(words)}）"
    kind, basis, period = key[:3]
    words = (KIND_ZH.get(kind, kind), PER_ZH.get(basis, basis), PERIOD_ZH.get(period)) + tuple(key[3:])
    return "·".join(x for x in words if x)
