"""Pieces several views share: the category picker, cached comparisons, links between views, the
status badge, the page's stylesheet (no external fonts or files), and `plain` for any text a user
or a document supplies that goes into an element Streamlit renders as Markdown."""
from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import urlencode

import streamlit as st

from webapp import data
from webapp.i18n import current, t
from webapp.state import Ctx, _corpus, synced, to_url

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>!#|~$&])")


def plain(text: object) -> str:
    r"""Text that Streamlit's Markdown shows as written: the characters that make links, images,
    HTML, emphasis, code, tables, strike-through and LaTeX are backslash-escaped, and line breaks
    are kept. For st.error, st.info, st.warning, st.success, st.caption and labels.

    >>> plain("![x](http://127.0.0.1:8000/b.png) <img src=x>")
    '\\!\\[x\\](http://127.0.0.1:8000/b.png) \\<img src=x\\>'
    >>> plain("温政办〔2022〕60号 *粗体* $x$")
    '温政办〔2022〕60号 \\*粗体\\* \\$x\\$'
    """
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("\n", "  \n")


_LINKS = [(re.compile(r"\\"), r"\\\\"), (re.compile(r"!"), r"\\!"), (re.compile(r"\[(?!\^\w+\])"), r"\\["),
          (re.compile(r"<"), r"\\<"), (re.compile(r"(?i)\b(https?|ftp|file|mailto):"), r"\1\\:"),
          (re.compile(r"(?i)\bwww\."), r"www\\."), (re.compile(r"@"), r"\\@")]


def inert_markdown(text: str) -> str:
    r"""Markdown made by the app (headings, tables, emphasis, footnotes [^1]) around text from
    documents, with everything that could load or link elsewhere made literal: images, links,
    reference definitions, autolinks, bare URLs and e-mail addresses, HTML.

    >>> inert_markdown("原文 ![x](http://127.0.0.1:9/b.png) [y](http://h/) 上限[^1]")
    '原文 \\!\\[x](http\\://127.0.0.1:9/b.png) \\[y](http\\://h/) 上限[^1]'
    """
    for pattern, repl in _LINKS:
        text = pattern.sub(repl, text)
    return text


CSS = """
<style>
.pkg-grid{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(215px,1fr);gap:10px;align-items:start;overflow-x:auto;padding-bottom:6px}
.pkg-city{border:1px solid #d0d4dc;border-radius:8px;padding:10px 12px;background:#fafbfc}
.pkg-city h3{margin:0 0 4px 0;font-size:1.25rem;padding:0}
.pkg-city.empty{background:#f3f3f3;color:#555}
.pkg-city .docs{font-size:.8rem;color:#555;margin-bottom:6px}
.pkg-none{font-style:italic;color:#777;padding:8px 0}
.pkg-inc{border-top:1px solid #e1e4ea;padding-top:8px;margin-top:8px}
.pkg-inc .head{display:flex;gap:6px;align-items:baseline;flex-wrap:wrap;margin-bottom:4px}
.pkg-inc .art{font-weight:600}
.pkg-inc dl{display:grid;grid-template-columns:5.6em minmax(0,1fr);gap:2px 8px;margin:0 0 6px 0;font-size:.88rem}
.pkg-inc dt{color:#555;font-weight:normal}
.pkg-inc dd{margin:0}
.pkg-src{font-size:.88rem;line-height:1.55;border-left:3px solid #c9a227;padding:2px 8px;margin:4px 0;background:#fffdf3}
.pkg-badge{display:inline-block;font-size:.72rem;padding:0 6px;border-radius:9px;border:1px solid;white-space:nowrap}
.pkg-badge.in-force{color:#0a6b2d;border-color:#0a6b2d;background:#e8f6ec}
.pkg-badge.expired{color:#8a1c1c;border-color:#8a1c1c;background:#fbeaea}
.pkg-badge.not-yet{color:#6b4e00;border-color:#6b4e00;background:#fff4d6}
.pkg-badge.unknown{color:#555;border-color:#999;background:#f2f2f2}
.pkg-badge.instr{color:#1f3b73;border-color:#1f3b73;background:#eaf0fb}
mark.fig{background:#ffe066;padding:0 1px;border-radius:2px}
mark.num{background:#fff3b0;padding:0 1px;border-radius:2px}
.amt{border-bottom:1px dotted #888;cursor:help;font-weight:600}
.tip{border-bottom:1px dotted #888;cursor:help}
.pkg-matrix{border-collapse:collapse;font-size:.9rem;width:100%}
.pkg-matrix th,.pkg-matrix td{border:1px solid #d0d4dc;padding:4px 8px;text-align:left;vertical-align:top}
.pkg-matrix thead th{background:#eef1f6;position:sticky;top:0}
.pkg-matrix td.yes{background:#eef8f0}
.pkg-matrix td.no{color:#aaa;text-align:center}
.pkg-cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:12px}
.pkg-card{border:1px solid #d0d4dc;border-radius:8px;padding:10px 12px;font-size:.9rem}
.pkg-card h4{margin:0 0 4px 0;font-size:1.05rem;padding:0}
.pkg-card .title{margin:4px 0;line-height:1.4}
.pkg-text{font-size:.95rem;line-height:1.8;white-space:pre-wrap;font-family:inherit}
.pkg-text a.cl{color:inherit;text-decoration:none;border-radius:3px;padding:1px 0}
.pkg-text a.cl.incentive{background:#e3f2e6}
.pkg-text a.cl.measure{background:#e8eefc}
.pkg-text a.cl.target{background:#f6e8fb}
.pkg-text a.cl.general{background:#f1f1f1}
.pkg-text a.cl:hover{outline:1px solid #888}
.pkg-text a.cl.sel{background:#ffd166;font-weight:600}
.pkg-text .gap{color:#aaa}
.pkg-legend span{display:inline-block;padding:0 6px;margin-right:6px;border-radius:3px;font-size:.85rem}
</style>
"""


def uploader_in_chinese(hint: str) -> str:
    """CSS that replaces the English words Streamlit's file uploader writes (drag-and-drop text, size
    limit, the button's label) by `hint` and 选择文件; shown before the uploader in Chinese mode."""
    return f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] div > span, [data-testid="stFileUploaderDropzoneInstructions"] div > small
{{display:none}}
[data-testid="stFileUploaderDropzoneInstructions"] div::after {{content:"{hint}"}}
[data-testid="stFileUploader"] section button {{font-size:0}}
[data-testid="stFileUploader"] section button [data-testid="stMarkdownContainer"] {{display:none}}
[data-testid="stFileUploader"] section button::after {{content:"选择文件"; font-size:.9rem}}
[data-testid="stFileChipName"] + div, [data-testid="stFileUploader"] button span:not([data-testid="stIconMaterial"])
> span:first-child:not([data-testid="stIconMaterial"]) {{display:none}}
</style>"""


def inject_css() -> None:
    st.html(CSS)


def badge(status: str, lang: str | None = None) -> str:
    return f'<span class="pkg-badge {status}">{html.escape(t("status." + status, lang))}</span>'


def link(view: str, lang: str | None = None, **params) -> str:
    """A relative link to another view (opens in the same tab, as a fresh deep link)."""
    query = {"view": view, **{k: v for k, v in params.items() if v is not None}}
    if (lang or current()) != "zh":
        query["lang"] = lang or current()
    return "?" + urlencode(query)


def category_label(slug: str, lang: str | None = None) -> str:
    from ingest.categories import scheme

    c = scheme().get(slug)
    if c is None:
        return slug
    return c.zh if (lang or current()) == "zh" else c.en


def category_option(slug: str, counts: dict[str, int]) -> str:
    """Both languages in every option, so typing either finds it."""
    from ingest.categories import scheme

    c = scheme().get(slug)
    n = counts.get(slug, 0)
    return f"{c.zh} · {c.en} ({n})" if c else slug


@st.cache_data(show_spinner=False, max_entries=8)
def counts(stamp: str, store: str) -> dict[str, int]:
    return data.category_counts(_corpus(stamp, store))


def category_picker(ctx: Ctx, key: str, label: str) -> str:
    """A searchable category selectbox bound to ?category= (default: the most supported one)."""
    from ingest.categories import scheme

    n = counts(ctx.stamp, str(ctx.store))
    slugs = sorted(scheme(), key=lambda s: (-n.get(s, 0), s))
    synced(key, "category", valid=lambda v: v in slugs)
    if st.session_state.get(key) not in slugs:
        st.session_state[key] = "independent-site" if "independent-site" in slugs else slugs[0]
    return st.selectbox(label, slugs, key=key, format_func=lambda s: category_option(s, n),
                        on_change=to_url, args=(key, "category"))


def date_picker(key: str, label: str, param: str = "on") -> date:
    """A date input bound to ?on=YYYY-MM-DD (default today)."""
    def valid(v: str) -> bool:
        try:
            date.fromisoformat(v)
            return True
        except ValueError:
            return False

    synced(key, param, valid=valid)
    if isinstance(st.session_state.get(key), str):
        st.session_state[key] = date.fromisoformat(st.session_state[key])
    if key not in st.session_state:
        st.session_state[key] = date.today()
    return st.date_input(label, key=key, on_change=to_url, args=(key, param, date.isoformat),
                         min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@st.cache_data(show_spinner=False, max_entries=64)
def comparison_page(stamp: str, store: str, category: str, on: date, kinds: tuple[str, ...],
                    offset: int) -> tuple[list[dict], int, int]:
    """data.comparison_page (one page of cards, the total, the cities with any), cached likewise."""
    return data.comparison_page(_corpus(stamp, store), category, on, kinds, offset)


@st.cache_data(show_spinner=False, max_entries=64)
def comparison(stamp: str, store: str, category: str, on: date, kinds: tuple[str, ...]) -> list[dict]:
    """data.comparison, cached per store version, category, date and clause kinds."""
    return data.comparison(_corpus(stamp, store), category, on, kinds)
