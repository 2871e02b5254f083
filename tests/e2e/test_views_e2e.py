"""End to end: the draft, estimate, graph and overview pages in headless Chromium.

The estimate uses the app's sample enterprise (a form filled in by default); the draft for
independent-site cites the five precedents in footnotes, e.g. lishui-2021-67.txt 二、
“给予技术服务费、推广费等支出费用50%补助，每年补助不超过50万元”.
"""
from __future__ import annotations

import re

from harness import open_and_wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CITIES = ["温州", "丽水", "杭州", "台州", "运城"]


def test_estimate_sample_profile_shows_every_city_and_a_total(browser, app_url):
    # on 2024-06-01 丽水, 杭州 and 运城 are in force; 温州 ended 2022-12-31, 台州 starts 2025-01-01
    text = open_and_wait(browser, f"{app_url}/?view=estimate&on=2024-06-01", [f"{c} · 合计" for c in CITIES])
    table = browser.find_element(By.CSS_SELECTOR, "table.pkg-matrix").text
    for city in ("丽水", "杭州", "运城"):
        assert re.search(rf"{city}\s.*?\d+(\.\d+)?万元", table), city
    assert "合计" in table
    assert "无法计算的项目" in text


def test_draft_shows_a_draft_with_footnotes(browser, app_url):
    text = open_and_wait(browser, f"{app_url}/?view=draft&category=independent-site",
                         ["起草条款", "lishui-2021-67/2/c3", "下载草案文件"])
    # the notes are a numbered list in the page's language (Markdown footnotes would add "Footnotes")
    notes = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stMarkdownContainer'] ol > li")]
    assert len(notes) >= 3 and all("=" in n for n in notes[:3]), notes
    assert "⁽¹⁾" in text and "⁽³⁾" in text, "no note references in the draft"
    assert "每年补助不超过50万元" in text
    assert "[^" not in text


def test_graph_view_draws_offline(browser, app_url):
    open_and_wait(browser, f"{app_url}/?view=graph&category=independent-site", ["独立站", "运城"])
    frame = browser.find_element(By.CSS_SELECTOR, "iframe")
    browser.switch_to.frame(frame)
    try:
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "canvas"))
        scripts = browser.execute_script("return [...document.scripts].map(s => s.src).filter(Boolean);")
        assert scripts == []
    finally:
        browser.switch_to.default_content()


def test_overview_matrix(browser, app_url):
    open_and_wait(browser, f"{app_url}/?view=overview", CITIES + ["独立站", "杭政办函〔2023〕9号"])
    row = browser.find_element(By.XPATH, '//table[contains(@class,"pkg-matrix")]//tr[th/a[normalize-space()="独立站"]]')
    assert "200万元" in row.text and "15万元" in row.text
