"""End to end (issues 13 and 16): the compare cards show a pool as a pool, counts limits and
conditions, with units that say what they are per; the draft page speaks one language: Chinese with
no English word in it, or English labels throughout.

Hand-read from corpus/: wenzhou-2022-60.txt 三、14 "单家企业单个展会最多补助4个标准展位…所有企业年度累计补助
最高不超过300万元" -> a yearly pool of 300万 for all enterprises and at most 4 booths per fair;
yuncheng-2024-10.txt 第五条（二） "对企业新建跨境电商独立站（须直接持有独立站申报域名），且当年后台实际交易数据
达300万元（含）以上的，给予单个独立站15万元奖励，单家企业申报独立站数量最多2个" -> new build, domain held
directly, the site's own turnover ≥ 300万元, at most 2 sites per enterprise; lishui-2021-67.txt 五
"运营一年以上" -> a duration of 1 year.
"""
from __future__ import annotations

import re

from harness import open_and_wait, running
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from test_no_slugs_e2e import VISIBLE_TEXT

HANZI = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Latin words a Chinese page may show, each for a reason: RCEP is written so in 运城's source text
ALLOWED_LATIN = {"RCEP"}


def card(browser, clause_id: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, f'div.pkg-inc[id="{clause_id}"] dl').text


def test_compare_cards_show_pool_limits_and_conditions(browser, app_url):
    open_and_wait(browser, f"{app_url}/?view=compare&category=exhibition", ["温州", "资金总额"])
    pool_card = card(browser, "wenzhou-2022-60/3.14/c1")
    pool_row = pool_card.split("资金总额（所有企业合计，非单家企业上限）")[1]
    assert "300万元" in pool_row and "所有企业合计" in pool_row and "每年" in pool_row
    cap_row = pool_card.split("上限")[1].split("\n")[1]
    assert "300万元" not in cap_row  # never shown as one firm's cap
    assert "每个展会或活动最多4个展位" in pool_card

    open_and_wait(browser, f"{app_url}/?view=compare&category=independent-site", ["运城", "申报条件"])
    y = card(browser, "yuncheng-2024-10/5.2/c2")
    for said in ("新建独立站", "直接持有独立站域名 ≥ 100%", "独立站自身交易额 ≥ 300万元", "每家企业最多2个独立站",
                 "15万元 每个独立站"):
        assert said in y, (said, y)
    assert "每家企业最多2个独立站" in card(browser, "wenzhou-2022-60/1.2/c1")
    assert "直接或间接持有独立站域名 ≥ 50%" in card(browser, "lishui-2021-67/2/c3")

    open_and_wait(browser, f"{app_url}/?view=compare&category=public-overseas-warehouse", ["丽水", "申报条件"])
    assert "运营 ≥ 1年" in card(browser, "lishui-2021-67/5/c1")  # 运营一年以上: a duration, not 1%


def test_compare_cards_in_english(browser, app_url):
    open_and_wait(browser, f"{app_url}/?view=compare&category=exhibition&lang=en", ["Wenzhou (温州)", "Pool"])
    pool_card = card(browser, "wenzhou-2022-60/3.14/c1")
    assert "Pool for all enterprises together (not one firm's cap)" in pool_card
    assert "for all enterprises together" in pool_card.split("Pool for all")[1] and "per year" in pool_card
    assert "at most 4 × booth per event" in pool_card
    open_and_wait(browser, f"{app_url}/?view=compare&category=independent-site&lang=en", ["Yuncheng (运城)", "Requirements"])
    y = card(browser, "yuncheng-2024-10/5.2/c2")
    for said in ("newly built website", "website domain held directly ≥ 100%",
                 "the website's own turnover ≥ CNY 3 million (300万元)", "at most 2 × website per enterprise"):
        assert said in y, (said, y)


def _visible(browser) -> str:
    WebDriverWait(browser, 60, poll_frequency=0.5).until(lambda d: not running(d))
    return browser.execute_script(VISIBLE_TEXT)


def test_draft_page_in_chinese_has_no_english_word(browser, app_url):
    for category, like in (("independent-site", "温州"), ("exhibition", ""), ("public-overseas-warehouse", "丽水")):
        open_and_wait(browser, f"{app_url}/?view=draft&category={category}&like={like}",
                      ["起草条款", "同类口径", "先例"], timeout=90)
        text = _visible(browser)
        words = sorted(set(LATIN_WORD.findall(text)) - ALLOWED_LATIN)
        assert not words, f"draft {category} (zh) shows English words {words}"
        assert "比例·" in text and "（" in text and "例）" in text  # groups labelled, counted in Chinese


def test_draft_page_in_english_labels_everything_in_english(browser, app_url):
    open_and_wait(browser, f"{app_url}/?view=draft&category=independent-site&like=温州&lang=en",
                  ["Draft clause: Independent website", "Parameter ranges across cities", "Precedents"], timeout=90)
    table = browser.find_element(By.CSS_SELECTOR, "table.pkg-ranges")
    labels = [e.text for e in table.find_elements(By.CSS_SELECTOR, "thead th, tbody th")]
    groups = [e.text for e in table.find_elements(By.CSS_SELECTOR, "tbody tr td:nth-child(2)")]
    assert labels and groups
    chinese = [x for x in labels + groups if HANZI.search(x)]
    assert not chinese, f"English draft page labels in Chinese: {chinese}"
    assert "Rate·investment or building costs" in groups  # 温州's 实际投入经费, ranged with 台州's 投资额
    text = _visible(browser)
    for heading in ("Model precedent:", "Parameters", "how chosen", "Sources:"):
        assert heading in text, heading
    zh_labels = [w for w in ("起草条款", "参照条款", "先例范围", "出处：", "同类口径", "中位数", "未用于草案") if w in text]
    assert not zh_labels, f"English draft page shows the Chinese labels {zh_labels}"
