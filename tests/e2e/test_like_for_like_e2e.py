"""End to end (issue 13): the compare view's maxima and payout curve, the estimate on a date, and a
draft that keeps bases apart, in headless Chromium.

Hand-read from corpus/: 温州 一、2 "单家企业申报独立站数量不超过2个，单个独立站补助最高不超过20万元" -> at most
2 × 20万 = 40万 per enterprise; 运城 第五条（二） "给予单个独立站15万元奖励，单家企业申报独立站数量最多2个" -> 30万;
杭州 一、（一） "给予不超过200万元的一次性资金扶持" -> a ceiling of 200万; 丽水 二、 "每年补助不超过50万元" -> 50万;
台州 附件一（三） "最高不超过100万元" -> 100万. Validity: 温州 2022-08-25 – 2022-12-31, 丽水 2022-02-01 –
2027-01-31, 杭州 2023-02-18 – 2026-02-18, 台州 2025-01-01 – 2027-12-31, 运城 2024-04-10 – 2025-12-31.
"""
from __future__ import annotations

from harness import open_and_wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

MAXIMA = {"温州": "40万元", "运城": "30万元", "杭州": "200万元", "丽水": "50万元", "台州": "100万元"}


def _row(browser, clause_id: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, f'table.pkg-maxima tr[data-clause="{clause_id}"]').text


def _chart_drawn(browser) -> bool:
    return bool(browser.find_elements(By.CSS_SELECTOR, "[data-testid='stVegaLiteChart'] canvas, "
                                                       "[data-testid='stVegaLiteChart'] svg, .vega-embed canvas, "
                                                       ".vega-embed svg"))


def test_compare_shows_maxima_and_the_payout_curve(browser, app_url):
    url = f"{app_url}/?view=compare&category=independent-site&on=2024-06-01"
    text = open_and_wait(browser, url, ["单家企业每年最多可得", "补贴曲线", "2024-06-01"])
    assert "各城市上限" not in text  # the old chart of mixed caps is gone
    rows = {"温州": "wenzhou-2022-60/1.2/c1", "运城": "yuncheng-2024-10/5.2/c2", "杭州": "hangzhou-2023-9/1.1/c4",
            "丽水": "lishui-2021-67/2/c3", "台州": "taizhou-2024-26/annex.1.3/c3"}
    for city, clause in rows.items():
        row = _row(browser, clause)
        assert city in row and MAXIMA[city] in row, (city, row)
    assert "仅有上限" in _row(browser, rows["杭州"])  # a ceiling, drawn and labelled "up to"
    assert "单家企业申报独立站数量不超过2个" in _row(browser, rows["温州"])
    assert "新建独立站" in _row(browser, rows["运城"]) and "直接持有独立站域名" in _row(browser, rows["运城"])
    WebDriverWait(browser, 60).until(_chart_drawn)  # the payout curve, one line per city


def test_compare_english_maxima(browser, app_url):
    url = f"{app_url}/?view=compare&category=independent-site&on=2024-06-01&lang=en"
    text = open_and_wait(browser, url, ["Most one enterprise can get per year", "Payout curve", "Hangzhou (杭州)"])
    row = _row(browser, "hangzhou-2023-9/1.1/c4")
    assert "CNY 2 million (200万元)" in row and "ceiling only (up to)" in row
    assert "CNY 400,000 (40万元)" in _row(browser, "wenzhou-2022-60/1.2/c1")
    assert "at a spend of X yuan" in text


def test_estimate_on_a_date_shows_ranges_and_not_in_force(browser, app_url):
    text = open_and_wait(browser, f"{app_url}/?view=estimate&on=2025-06-01",
                         ["按 2025-06-01 有效的政策测算", "杭州 · 合计", "温州 · 合计"])
    summary = browser.find_element(By.CSS_SELECTOR, 'table.pkg-matrix tr[data-city="杭州"]').text
    assert "确定" in summary and "最多" in summary and "–" in summary  # a range: certain – up to
    wenzhou = browser.find_element(By.CSS_SELECTOR, 'table.pkg-matrix tr[data-city="温州"]').text
    assert "0元" in wenzhou  # 温州's 2022 policy pays nothing in 2025
    assert "不在有效期内的条款" in text
    assert "所用企业档案" in text and "2025-06-01" in text  # the profile used, with its date


def test_draft_keeps_units_and_groups(browser, app_url):
    text = open_and_wait(browser, f"{app_url}/?view=draft&category=public-overseas-warehouse&like=丽水",
                         ["起草条款", "同类口径", "运营时间"])
    row = browser.find_element(By.CSS_SELECTOR, 'table.pkg-ranges tr[data-param="threshold"]').text
    assert "1年" in row and "1%" not in row  # 运营一年以上 is a duration
    cap = browser.find_element(By.CSS_SELECTOR, 'table.pkg-ranges tr[data-param="cap"]').text
    assert "比例或单价的上限·单家企业·一次性" in cap and "仅有上限·单家企业·一次性" in cap  # groups kept apart
    assert "最高不超过50万元" in text
