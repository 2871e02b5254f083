"""The corpus in the dress real texts arrive in: each corpus document turned into each variant
(a PDF-to-text single line with page markers, half-width punctuation, full-width digits,
traditional characters, a portal page with its chrome, Word, a PDF printed by Chromium, GBK,
UTF-16 with a BOM, CRLF with a BOM, a WeChat repost), for tests/test_variants.py, which holds every
variant to the hand-read facts of tests/facts/.

`python -m tests.variants` builds them in a temporary folder and prints the matrix variant x city,
facts matched / total (the plain text first, as the yardstick).
"""
from __future__ import annotations

import codecs
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from tests.factcheck import ROOT, count, load_spec, opencc, score_file
from tests.fixtures_make import make_docx

FACTS = sorted((ROOT / "tests" / "facts").glob("*.yaml"))
CHROMIUM = ("/usr/bin/chromium", "/usr/lib/chromium/chromium")
CHROMIUM_MISSING = "install Debian's chromium and fonts-wqy-zenhei (make system-deps)"
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--lang=zh-CN")
PAGE_CHARS = 1500  # about one printed page of these documents
HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?"})
FULL_WIDTH_DIGITS = str.maketrans({**{str(d): chr(ord("０") + d) for d in range(10)}, "%": "％"})
HEADING = re.compile(r"^(?:#+\s*)?(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十百]+条\s)")


def one_line(text: str) -> str:
    """As PDF-to-text gives a page: every line stripped and run together, no line breaks, and a page
    marker ` — 2 — ` after about every PAGE_CHARS characters (wherever the page happens to end).

    >>> one_line("一、总则\\n  第一段。\\n")
    '一、总则第一段。 — 1 — '
    """
    out, since, page = [], 0, 1
    for line in text.split("\n"):
        out.append(line.strip())
        since += len(line)
        if since > PAGE_CHARS:
            out.append(f" — {page} — ")
            page, since = page + 1, 0
    out.append(f" — {page} — ")
    return "".join(out)


def half_width(text: str) -> str:
    """A scraper's half-width punctuation: ，：；（）！？ as , : ; ( ) ! ?

    >>> half_width("（一）对企业，给予补助：")
    '(一)对企业,给予补助:'
    """
    return text.translate(HALF_WIDTH)


def full_width_digits(text: str) -> str:
    """Digits and % typed full-width (２０万元, ５０％).

    >>> full_width_digits("50%，20万元")
    '５０％，２０万元'
    """
    return text.translate(FULL_WIDTH_DIGITS)


def traditional(text: str) -> str:
    """Traditional characters, as OpenCC's s2t writes them (萬元, 獨立站, 補助).

    >>> traditional("给予20万元补助")
    '給予20萬元補助'
    """
    return _to_traditional().convert(text)


@lru_cache(maxsize=1)
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def portal_page(text: str, city: str) -> str:
    """A city portal's article page: the welcome banner, search, nav menu, breadcrumbs, a sidebar of
    other documents, the article (one <p> a line), print links, a footer with 版权所有 / 备案号 /
    联系我们, and scripts with Chinese strings."""
    body = "\n".join(f"      <p>{html.escape(line.strip())}</p>" for line in text.split("\n") if line.strip())
    site = f"{city}市人民政府门户网站"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>政策文件_{site}</title>
<script>var tip = "欢迎访问{site}，当前为无障碍浏览模式";</script>
<style>.article p {{ text-indent: 2em; line-height: 2; }}</style>
</head>
<body>
<div class="topbar"><span class="welcome">欢迎访问{site}</span>
  <a href="/wza/">无障碍</a> | <a href="/m/">移动版</a> | <a href="/en/">English</a></div>
<div class="header"><img src="/images/logo.png" alt="{city}市人民政府">
  <form class="search" action="/search"><input name="q" value="请输入关键字"><button>搜索</button></form></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
  <li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zj/">走进{city}</a></li></ul>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zcwj/">政策文件</a> &gt; 正文</div>
<div class="wrap">
  <div class="sidebar"><h3>相关文件</h3><ul>
    <li><a href="/zcwj/1.html">{city}市人民政府关于印发{city}市稳外贸稳外资若干措施的通知</a></li>
    <li><a href="/zcwj/2.html">{city}市商务局关于组织申报外经贸发展专项资金的通知</a></li>
    <li><a href="/zcwj/3.html">关于公布{city}市电子商务示范企业名单的通知</a></li></ul></div>
  <div class="article">
{body}
  </div>
  <div class="tools"><a href="javascript:window.print()">【打印本页】</a>
    <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="footer"><p><a href="/lxwm/">联系我们</a> | <a href="/wzdt/">网站地图</a> | <a href="/sm/">网站声明</a></p>
  <p>主办：{city}市人民政府办公室　版权所有：{city}市人民政府</p>
  <p>ICP备案号：浙ICP备05001234号　网站标识码：3303000001</p></div>
<script>document.write("<span>本网站支持IPv6</span>");</script>
</body>
</html>
"""


def wechat(text: str, city: str, title: str, issued: str) -> str:
    """A WeChat repost, posted nine days after `issued`: account header with that date, a 来源 line,
    ◆ before each heading (Markdown marks dropped), emoji, and the END / 往期推荐 / 阅读原文 tail."""
    posted = date.fromisoformat(issued) + timedelta(days=9)
    lines = []
    for line in text.split("\n"):
        plain = re.sub(r"^#+\s*", "", line.strip())
        lines.append(f"◆ {plain}" if HEADING.match(line.strip()) and len(plain) < 40 else plain)
    head = [f"🔥{title}", "", f"原创 {city}发布 {posted.isoformat()} 09:30", "", "👆点击上方蓝字关注我们", "",
            f"来源：{city}市人民政府门户网站", ""]
    tail = ["", "—— END ——", "", "▶ 往期推荐", "", f"{city}跨境电商再传喜讯！", "", "分享  收藏  点赞  在看", "",
            "阅读原文"]
    return "\n".join(head + lines + tail)


def chromium() -> str:
    """Debian's chromium, or an error saying what to install."""
    found = next((p for p in CHROMIUM if os.access(p, os.X_OK)), None) or shutil.which("chromium")
    if not found:
        raise FileNotFoundError(f"chromium not found: {CHROMIUM_MISSING}")
    return found


def print_pdf(page: Path, out: Path) -> Path:
    """`page` printed to `out` by headless Chromium (its own header and footer lines included)."""
    proc = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--print-to-pdf={out}", page.as_uri()],
                          check=False, capture_output=True, text=True, timeout=180)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"chromium could not print {page}: {proc.stderr[-400:]}")
    return out


def _text_variant(transform: Callable[[str], str], encode: Callable[[str], bytes] = lambda t: t.encode("utf-8")):
    def make(src: Path, out_dir: Path, spec: dict) -> Path:
        out = out_dir / src.name
        out.write_bytes(encode(transform(src.read_text("utf-8"))))
        return out
    return make


def _html(src: Path, out_dir: Path, spec: dict) -> Path:
    out = out_dir / f"{src.stem}.html"
    out.write_text(portal_page(src.read_text("utf-8"), spec["document"]["city"]), "utf-8")
    return out


def _docx(src: Path, out_dir: Path, spec: dict) -> Path:
    return make_docx(src, out_dir / f"{src.stem}.docx")


def _chromium_pdf(src: Path, out_dir: Path, spec: dict) -> Path:
    page = _html(src, out_dir, spec)
    pdf = print_pdf(page, out_dir / f"{src.stem}.pdf")
    page.unlink()
    return pdf


def _wechat(src: Path, out_dir: Path, spec: dict) -> Path:
    doc = spec["document"]
    out = out_dir / src.name
    out.write_text(wechat(src.read_text("utf-8"), doc["city"], doc["title"], doc["issued"]), "utf-8")
    return out


VARIANTS: dict[str, Callable[[Path, Path, dict], Path]] = {
    "one-line": _text_variant(one_line),
    "half-width": _text_variant(half_width),
    "full-width-digits": _text_variant(full_width_digits),
    "traditional": _text_variant(traditional),
    "html": _html,
    "docx": _docx,
    "chromium-pdf": _chromium_pdf,
    "gbk": _text_variant(lambda t: t, lambda t: t.encode("gbk")),
    "utf16-bom": _text_variant(lambda t: t, lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")),
    "crlf-bom": _text_variant(lambda t: t.replace("\n", "\r\n"), lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    "wechat": _wechat,
}


def make_variant(variant: str, spec_path: Path, out_root: Path) -> Path:
    """The corpus document of `spec_path` as `variant`, written under out_root/variant/."""
    spec = load_spec(spec_path)
    out_dir = out_root / variant
    out_dir.mkdir(parents=True, exist_ok=True)
    return VARIANTS[variant](ROOT / spec["file"], out_dir, spec)


def matrix(out_root: Path) -> list[str]:
    """Lines of the matrix: one row per variant, one column per corpus document, matched/total."""
    names = [p.stem for p in FACTS]
    rows = [f"{'variant':<18}" + "".join(f"{n:>11}" for n in names) + f"{'all':>11}"]
    for variant in ["plain", *VARIANTS]:
        cells, matched, total = [], 0, 0
        for spec_path in FACTS:
            spec = load_spec(spec_path)
            path = ROOT / spec["file"] if variant == "plain" else make_variant(variant, spec_path, out_root)
            try:
                result = score_file(path, spec, path.parent)
            except Exception as exc:  # noqa: BLE001 - a crash is a cell of the matrix, not its end
                cells.append("crash")
                print(f"{variant} {spec_path.stem}: {type(exc).__name__}: {exc}", file=sys.stderr)
                total += count(spec)
                continue
            mark = "R" if result.refused else ("" if result.city_ok else "c")
            cells.append(f"{result.matched}/{result.total}{mark}")
            matched, total = matched + result.matched, total + result.total
        rows.append(f"{variant:<18}" + "".join(f"{c:>11}" for c in cells) + f"{f'{matched}/{total}':>11}")
    rows.append("R: refused, c: wrong city, crash: the pipeline raised something other than PolicyKGError")
    return rows


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="policykg-variants-") as tmp:
        for line in matrix(Path(tmp)):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
