"""Funding rules of a document: who pays which share of which articles' awards.

Read sentence by sentence (a sentence that contains a funding verb of the lexicon's funding family,
承担/分担), with the payers and phrasings of ontology/lexicon/funding.yaml:
  由市级财政和当地财政各承担50% | 分别承担25%、75%          shares as percentages
  由市级财政和各区财政按5：5比例分担 | 市、区两级财政按2:8比例分担   shares as a ratio
  比例为盐湖区、运城开发区5:5，其余各县（市）2:8               ratios per district
  除“六、七、九”条由市级财政承担 / 其余条款…由市本级承担          the city pays for some articles
  按现行财政体制分担                                         the fiscal system decides
Every pattern is bounded, so a text without 。 costs time in proportion to its length.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ingest import lexicon as lexicon_mod
from ingest.figures import plain
from ingest.lexicon import Lexicon
from ingest.model import FundingRule
from ingest.normalize import Normalized

RATIO = r"(\d+(?:\.\d+)?)[:：比](\d+(?:\.\d+)?)"


def _articles_in(text: str) -> list[str]:
    """Article tokens named in a funding sentence: 第三条、第四条 or “六、七、九”条.

    >>> _articles_in("除“六、七、九”条由市级财政承担"), _articles_in("第三条、第四条支持措施")
    (['六', '七', '九'], ['第三条', '第四条'])
    """
    arts = re.findall(r"第[一二三四五六七八九十\d]{1,4}条", text)
    m = re.search(r"“([一二三四五六七八九十、]{1,40})”条", text)
    if m:
        arts += [x for x in m.group(1).split("、") if x]
    return arts


def _sentences(text: str) -> list[tuple[int, str]]:
    """(start, sentence) for each 。-ended piece of the text, and the piece after the last 。."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch == "。":
            out.append((start, text[start:i + 1]))
            start = i + 1
    if start < len(text):
        out.append((start, text[start:]))
    return out


def _split(a: str, b: str) -> tuple[Decimal, Decimal]:
    """A ratio a:b as the two percentages it gives.

    >>> _split("2", "8"), _split("5", "5")
    ((Decimal('20'), Decimal('80')), (Decimal('50'), Decimal('50')))
    """
    x, y = Decimal(a), Decimal(b)
    return plain(x * 100 / (x + y)), plain(y * 100 / (x + y))


class _Reader:
    """The rules of one document, numbered in the order they are found."""

    def __init__(self, norm: Normalized, doc_id: str, lex: Lexicon):
        self.norm, self.doc_id, self.lex = norm, doc_id, lex
        self.rules: list[FundingRule] = []
        self.idx: list[int] = []  # the current sentence: position without newlines -> normalised

    def add(self, kind: str, span: tuple[int, int], **kw) -> None:
        s, e = span
        self.rules.append(FundingRule(f"{self.doc_id}/funding/{len(self.rules) + 1}", kind,
                                      self.norm.text[s:e].replace("\n", ""), span=self.norm.span(s, e), **kw))

    def locate(self, m: re.Match[str]) -> tuple[int, int]:
        """Normalised span of a match in the current sentence without its newlines."""
        return self.idx[m.start()], self.idx[m.end() - 1] + 1

    def alt(self, meaning: str) -> str:
        return self.lex.pattern("funding", meaning).pattern

    def sentence(self, s0: int, sent: str, except_arts: list[str]) -> list[str]:
        """The rules of one sentence; returns the articles the city pays for alone (除…条)."""
        flat = sent.replace("\n", "")
        self.idx = [s0 + k for k, ch in enumerate(sent) if ch != "\n"]
        note = self.lex.select("funding", "clause-level")[0]
        if any(p in flat for p in note.phrases) and note.get("with") in flat:
            return except_arts  # clause-level: handled on the clause itself
        city, local, two = self.alt("city"), self.alt("generic-local"), self.alt("two-level")
        em = re.search(f"除(“[^”]{{1,40}}”条)[^，]{{0,40}}?由{city}{self.alt('verb')}", flat)
        if em:
            arts = _articles_in(em.group(1))
            self.add("city", (s0, s0 + len(sent)), city_share=Decimal(100), local_share=Decimal(0), articles=arts)
            except_arts = arts
        ratio_word = self.lex.pattern("funding", "ratio-word").search(flat)
        named = _articles_in(flat[:ratio_word.start()]) if ratio_word else []
        found = self.shares(flat, city, local, two, except_arts)
        if ratio_word and not found:
            self.ratios_by_district(flat, ratio_word.start(), named)
        rest = self.lex.select("funding", "rest-to-city")[0]
        rm = re.search(f"{self.alt('rest-to-city')}[^，。]{{0,40}}{rest.get('closer')}", flat)
        if rm:
            self.add("city", self.locate(rm), city_share=Decimal(100), local_share=Decimal(0),
                     except_articles=named)
        fiscal = re.search(f"[^，。]{{0,60}}{self.alt('fiscal-system')}[^，。]{{0,60}}", flat)
        if fiscal and not self.lex.pattern("funding", "fiscal-system-exception").search(flat):
            self.add("fiscal-system", self.locate(fiscal))
        elif not self.rules and self.lex.pattern("funding", "city-only").search(flat):
            self.add("city", (s0, s0 + len(sent)), city_share=Decimal(100), local_share=Decimal(0))
        return except_arts

    def shares(self, flat: str, city: str, local: str, two: str, except_arts: list[str]) -> bool:
        """City-and-local shares named with their payers; True when some were found."""
        alt = self.alt
        payers = (f"(?:{alt('district-lead')}([^。；]{{1,80}}?)的，)?(?:由{city}{alt('and')}([^。；，]{{0,12}}?)"
                  f"(?:财政)?|由?(?P<two>{two}))")
        pct = r"\d+(?:\.\d+)?"
        split = (f"(?:{alt('each')}(?P<each>{pct})%|{alt('respectively')}(?P<c>{pct})%、(?P<l>{pct})%"
                 f"|{alt('ratio-lead')}{RATIO}{alt('ratio-word')}?{alt('verb')})")
        found = False
        for m in re.finditer(payers + split, flat):
            if m["each"]:
                city_share = local_share = Decimal(m["each"])
            elif m["c"]:
                city_share, local_share = Decimal(m["c"]), Decimal(m["l"])
            else:
                city_share, local_share = _split(m.group(m.re.groups - 1), m.group(m.re.groups))
            if m.group(1):
                districts = [d for d in re.split(r"、|和", m.group(1)) if d]
            elif m.group(2) and not re.fullmatch(local, m.group(2)):
                districts = [m.group(2)]
            else:
                districts = []
            self.add("shared", self.locate(m), city_share=city_share, local_share=local_share,
                     districts=districts, except_articles=except_arts)
            found = True
        return found

    def ratios_by_district(self, flat: str, start: int, named: list[str]) -> None:
        """比例为盐湖区、运城开发区5:5，其余各县（市）（永济市除外）2:8 (from `start`, the ratio word)."""
        lead = f"(?:{self.alt('ratio-word')}为)?"
        for m in re.compile(f"{lead}([^，。]{{0,40}}?){RATIO}").finditer(flat, start):
            city_share, local_share = _split(m.group(2), m.group(3))
            districts = [d for d in re.sub(f"^{lead}", "", m.group(1)).split("、") if d]
            self.add("shared", self.locate(m), city_share=city_share, local_share=local_share,
                     districts=districts, articles=named)


def read_funding(norm: Normalized, doc_id: str, lexicon: Lexicon | None = None) -> list[FundingRule]:
    """Funding rules: shares between city and districts, local government, fiscal system."""
    lex = lexicon or lexicon_mod.default()
    reader = _Reader(norm, doc_id, lex)
    verb = lex.pattern("funding", "verb")
    except_arts: list[str] = []
    for s0, sent in _sentences(norm.text):
        if verb.search(sent.replace("\n", "")):
            except_arts = reader.sentence(s0, sent, except_arts)
    return reader.rules

