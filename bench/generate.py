"""Write N synthetic policy documents for benchmarks, by recombining the real corpus's clauses.

The five documents of corpus/ are ingested to learn, per article, its heading and clause
sentences; each synthetic document takes a real-style header (issuer, 文号, title, addressee)
for another prefecture-level city, a numbering scheme (一、/（一）/1./第X条), a random choice of
articles, and their sentences with money amounts and percentages scaled by a random factor.
Every file is named `synthetic-<city>-<n>.txt` and starts with the line MARK, so it can never be
taken for a real policy. Deterministic for a seed; writes only to the folder it is given.
"""
from __future__ import annotations

import random
import re
from decimal import Decimal
from pathlib import Path

MARK = "（合成文档，仅用于基准测试）"

CITIES = [
    ("石家庄", "shijiazhuang"), ("唐山", "tangshan"), ("保定", "baoding"), ("太原", "taiyuan"),
    ("大同", "datong"), ("包头", "baotou"), ("沈阳", "shenyang"), ("大连", "dalian"),
    ("鞍山", "anshan"), ("长春", "changchun"), ("吉林", "jilin"), ("哈尔滨", "haerbin"),
    ("齐齐哈尔", "qiqihaer"), ("南京", "nanjing"), ("无锡", "wuxi"), ("徐州", "xuzhou"),
    ("常州", "changzhou"), ("苏州", "suzhou"), ("南通", "nantong"), ("扬州", "yangzhou"),
    ("宁波", "ningbo"), ("嘉兴", "jiaxing"), ("湖州", "huzhou"), ("绍兴", "shaoxing"),
    ("金华", "jinhua"), ("合肥", "hefei"), ("芜湖", "wuhu"), ("福州", "fuzhou"),
    ("厦门", "xiamen"), ("泉州", "quanzhou"), ("南昌", "nanchang"), ("赣州", "ganzhou"),
    ("济南", "jinan"), ("青岛", "qingdao"), ("烟台", "yantai"), ("潍坊", "weifang"),
    ("临沂", "linyi"), ("郑州", "zhengzhou"), ("洛阳", "luoyang"), ("武汉", "wuhan"),
    ("宜昌", "yichang"), ("长沙", "changsha"), ("岳阳", "yueyang"), ("广州", "guangzhou"),
    ("深圳", "shenzhen"), ("珠海", "zhuhai"), ("佛山", "foshan"), ("东莞", "dongguan"),
    ("南宁", "nanning"), ("柳州", "liuzhou"), ("海口", "haikou"), ("成都", "chengdu"),
    ("绵阳", "mianyang"), ("贵阳", "guiyang"), ("昆明", "kunming"), ("西安", "xian"),
    ("宝鸡", "baoji"), ("兰州", "lanzhou"), ("西宁", "xining"), ("银川", "yinchuan"),
    ("乌鲁木齐", "wulumuqi"),
]
SOURCE_CITIES = ("温州", "杭州", "丽水", "台州", "运城")
TOPICS = ["加快跨境电子商务高质量发展", "推动跨境电商与产业带融合发展", "支持跨境电子商务综合试验区建设",
          "促进外贸新业态新模式发展", "进一步扩大跨境电商进出口规模", "培育跨境电商品牌和独立站"]
CN = "一二三四五六七八九十"
MONEY = re.compile(r"(\d+(?:\.\d+)?)(\s*)(万元|亿元|万美元|亿美元|美元|元)")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)(\s*%)")


def cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十 (enough for article numbers).

    >>> [cn_number(n) for n in (1, 10, 12, 20, 35)]
    ['一', '十', '十二', '二十', '三十五']
    """
    if n <= 10:
        return CN[n - 1]
    tens, ones = divmod(n, 10)
    return (CN[tens - 1] if tens > 1 else "") + "十" + (CN[ones - 1] if ones else "")


def learn(corpus: Path) -> list[tuple[str, list[str]]]:
    """(heading, clause sentences) of every titled article with incentive or measure clauses."""
    from ingest.files import corpus_files
    from ingest.pipeline import ingest_file

    pool = []
    for path in corpus_files(corpus):
        doc, _, _ = ingest_file(path)
        titles = {a.key: a.title for a in doc.articles}
        by_key: dict[str, list[str]] = {}
        for c in doc.clauses:
            if c.kind in ("incentive", "measure") and titles.get(c.article_key):
                by_key.setdefault(c.article_key, []).append(" ".join(c.text.split()).replace(" ", ""))
        pool += [(titles[k].strip("。 "), v) for k, v in by_key.items()]
    return pool


def _scale(text: str, rng: random.Random) -> str:
    factor = rng.choice([Decimal("0.5"), Decimal("0.8"), Decimal("1.2"), Decimal("1.5"), Decimal(2), Decimal(3)])

    def money(m: re.Match) -> str:
        v = Decimal(m.group(1)) * factor
        v = v.quantize(Decimal(1)) if v >= 10 else v.quantize(Decimal("0.1"))
        return f"{v.normalize():f}{m.group(2)}{m.group(3)}"

    def percent(m: re.Match) -> str:
        v = min(Decimal(m.group(1)) * factor, Decimal(90)).quantize(Decimal(1))
        return f"{max(v, Decimal(1))}{m.group(2)}"

    return PERCENT.sub(percent, MONEY.sub(money, text))


def _localise(text: str, city: str) -> str:
    for src in SOURCE_CITIES:
        text = text.replace(src, city)
    return text


def document(pool: list[tuple[str, list[str]]], city: str, n: int, rng: random.Random) -> str:
    """The text of one synthetic document."""
    year = rng.choice([2021, 2022, 2023, 2024, 2025])
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    scheme = rng.choice(["section-paren", "section-arabic", "flat", "article"])
    sections = rng.randint(2, 5)
    lines = [MARK, f"{city}市人民政府办公室文件", f"{city[0]}政办发〔{year}〕{n}号",
             f"{city}市人民政府办公室关于{rng.choice(TOPICS)}的若干意见",
             "各县（市、区）人民政府，市直各有关单位：",
             f"为深入推进{city}市跨境电子商务发展，培育外贸竞争新优势，经市政府同意，现提出如下意见。"]
    item_no = 0
    for s in range(1, sections + 1):
        heads = rng.sample(pool, rng.randint(2, 5))
        if scheme == "flat":
            heads = heads[:1]
        if scheme == "article":
            lines.append(f"第{cn_number(s)}条 {heads[0][0]}")
        elif scheme != "flat":
            lines.append(f"{cn_number(s)}、{heads[0][0]}")
        for k, (title, sentences) in enumerate(heads, 1):
            item_no += 1
            chosen = rng.sample(sentences, rng.randint(1, min(3, len(sentences))))
            body = "".join(_scale(_localise(t, city), rng) for t in chosen)
            label = {"section-paren": f"（{cn_number(item_no)}）", "section-arabic": f"{k}.",
                     "flat": f"{cn_number(s)}、", "article": f"（{cn_number(k)}）"}[scheme]
            lines.append(f"{label}{title}。{body}")
    years = rng.randint(2, 5)
    closing = f"本意见自{year}年{month}月{day}日起施行，有效期{cn_number(years)}年。"
    if scheme == "article":
        lines.append(f"第{cn_number(sections + 1)}条 {closing}")
    elif scheme == "flat":
        lines.append(f"{cn_number(sections + 1)}、{closing}")
    else:
        lines.append(f"{cn_number(sections + 1)}、其他")
        lines.append(("（" + cn_number(item_no + 1) + "）" if scheme == "section-paren" else "1.") + closing)
    lines += [f"{city}市人民政府办公室", f"{year}年{month}月{day}日"]
    return "\n\n".join(lines) + "\n"


def generate(n: int, out: Path, corpus: Path, seed: int = 0, progress: bool = False) -> list[Path]:
    """Write n synthetic documents into `out` (created if needed); returns their paths."""
    from policykg.errors import PolicyKGError

    out = Path(out)
    if (out.resolve() / "x").is_relative_to(corpus.resolve()):
        raise PolicyKGError(f"{out}: synthetic documents never go into the corpus folder {corpus}")
    out.mkdir(parents=True, exist_ok=True)
    pool = learn(corpus)
    rng = random.Random(seed)
    indices = range(1, n + 1)
    if progress and n > 200:
        from tqdm import tqdm

        indices = tqdm(indices, desc=f"generate {n}", unit="doc", leave=False)
    paths = []
    for i in indices:
        city, slug = CITIES[(i - 1) % len(CITIES)]
        path = out / f"synthetic-{slug}-{i}.txt"
        path.write_text(document(pool, city, i, rng), encoding="utf-8")
        paths.append(path)
    return paths
