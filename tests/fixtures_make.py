"""Make real input files (PDF, DOCX, HTML, GBK, BOM) from a corpus document, for tests.

Each `make_*(src_txt, out)` reads the UTF-8 source, writes `out` and returns it. The PDF uses
reportlab's built-in CID font STSong-Light (UnicodeCIDFont: no font file needed); its text layer
round-trips through pypdf character for character.
"""
from __future__ import annotations

import codecs
import html
from pathlib import Path

# Text that make_html puts around the article; none of it occurs in the corpus.
HTML_NOISE = {
    "nav": "首页栏目导航条",
    "menu": "政务公开菜单项",
    "header": "网站页眉标题区",
    "breadcrumb": "当前位置面包屑",
    "sidebar": "相关链接侧边栏",
    "footer": "版权所有页脚信息",
    "script": "脚本里的中文字符串",
    "style": "样式表注释文字",
    "comment": "注释里的中文",
}

PDF_FONT = "STSong-Light"


def source_lines(src_txt: Path) -> list[str]:
    """The source document's lines (without line endings)."""
    return src_txt.read_text(encoding="utf-8").splitlines()


def make_gbk(src_txt: Path, out: Path, codec: str = "gbk", newline: str = "\n") -> Path:
    """The source re-encoded in GBK (or `codec`), optionally with other line endings."""
    text = src_txt.read_text(encoding="utf-8")
    out.write_bytes(text.replace("\n", newline).encode(codec))
    return out


def make_bom(src_txt: Path, out: Path) -> Path:
    """The source as UTF-8 with a byte-order mark."""
    out.write_bytes(codecs.BOM_UTF8 + src_txt.read_bytes())
    return out


def make_pdf(src_txt: Path, out: Path, font_size: float = 11.0) -> Path:
    """An A4 PDF with a text layer: each source line drawn left-aligned, wrapped at the margin."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    width, height = A4
    margin = 56.0
    leading = font_size * 1.6
    pdf = canvas.Canvas(str(out), pagesize=A4)
    pdf.setFont(PDF_FONT, font_size)
    y = height - margin
    for line in source_lines(src_txt):
        for piece in _wrap(line, width - 2 * margin, font_size, pdfmetrics.stringWidth):
            if y < margin:
                pdf.showPage()
                pdf.setFont(PDF_FONT, font_size)
                y = height - margin
            pdf.drawString(margin, y, piece)
            y -= leading
    pdf.save()
    return out


def _wrap(line: str, max_width: float, size: float, string_width) -> list[str]:
    pieces, current = [], ""
    for ch in line:
        if current and string_width(current + ch, PDF_FONT, size) > max_width:
            pieces.append(current)
            current = ""
        current += ch
    pieces.append(current)
    return pieces


def make_scanned_pdf(out: Path) -> Path:
    """A PDF page with drawings but no text layer, like a scan."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(out), pagesize=A4)
    for i in range(20):
        pdf.rect(60, 760 - 30 * i, 400 - 10 * i, 12, fill=1)
    pdf.save()
    return out


def make_docx(src_txt: Path, out: Path, table_lines: int = 6) -> Path:
    """A Word document: one paragraph per source line, except that `table_lines` non-empty lines
    from the middle go into a two-column table, row by row (so reading order is unchanged)."""
    import docx

    lines = source_lines(src_txt)
    middle = len(lines) // 2
    document = docx.Document()
    for line in lines[:middle]:
        document.add_paragraph(line)
    in_table = [line for line in lines[middle:middle + 2 * table_lines] if line.strip()][:table_lines]
    consumed = middle
    if in_table:
        last = in_table[-1]
        consumed = middle + lines[middle:].index(last) + 1
        rows = (len(in_table) + 1) // 2
        table = document.add_table(rows=rows, cols=2)
        for i, line in enumerate(in_table):
            table.cell(i // 2, i % 2).text = line
    for line in lines[consumed:]:
        document.add_paragraph(line)
    document.save(str(out))
    return out


def make_html(src_txt: Path, out: Path, encoding: str = "utf-8", declare: bool = True) -> Path:
    """A government-style web page: header, nav bar, breadcrumb, sidebar, footer and scripts
    around a div.TRS_Editor holding one <p> per source line. `declare` adds a meta charset
    (gb18030-family encodings are declared as gb2312, as such sites do)."""
    lines = [line for line in source_lines(src_txt) if line.strip()]
    paragraphs = "\n".join(f"      <p>{html.escape(line)}</p>" for line in lines)
    label = "gb2312" if encoding.lower().replace("-", "") in {"gbk", "gb2312", "gb18030"} else encoding
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={label}">' if declare else ""
    n = HTML_NOISE
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
  {meta}
  <title>{html.escape(lines[0])}</title>
  <style>/* {n['style']} */ .TRS_Editor p {{ text-indent: 2em; }}</style>
  <script>var banner = "{n['script']}";</script>
</head>
<body>
  <header class="site-header"><h1>{n['header']}</h1></header>
  <nav><ul><li><a href="/">{n['nav']}</a></li></ul></nav>
  <div class="top-menu"><a href="/zwgk">{n['menu']}</a></div>
  <div id="breadcrumb">{n['breadcrumb']} &gt; 政策文件</div>
  <!-- {n['comment']} -->
  <div class="main-wrap">
    <div class="sidebar"><ul><li><a href="/a">{n['sidebar']}</a></li></ul></div>
    <div class="content">
      <div class="TRS_Editor">
{paragraphs}
      </div>
    </div>
  </div>
  <div id="footer">{n['footer']}</div>
  <script type="text/javascript">document.write("{n['script']}");</script>
</body>
</html>
"""
    out.write_bytes(page.encode(encoding))
    return out
