"""End to end: the compare deep link in headless Chromium shows every city as real page text.

Expected figures from corpus/: hangzhou-2023-9.txt 一、（一）“给予不超过200万元的一次性资金扶持”;
wenzhou-2022-60.txt 一、2 “单个独立站补助最高不超过20万元”; yuncheng-2024-10.txt 第五条（二）
“给予单个独立站15万元奖励”.
"""
from __future__ import annotations

from harness import open_and_wait
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CITIES = ["温州", "丽水", "杭州", "台州", "运城"]


def city_card(browser, city: str):
    return browser.find_element(By.XPATH, f'//section[contains(@class,"pkg-city")][h3[normalize-space()="{city}"]]')


def test_compare_deep_link_independent_site(browser, app_url):
    url = f"{app_url}/?view=compare&category=independent-site"
    text = open_and_wait(browser, url, CITIES + ["200万元"])
    for city in CITIES:
        assert city in text
    assert "200万元" in city_card(browser, "杭州").text
    assert "20万元" in city_card(browser, "温州").text
    assert "15万元" in city_card(browser, "运城").text
    # real text in the page: a DOM element holds it, and the browser's own search finds it
    assert browser.find_elements(By.XPATH, '//mark[normalize-space()="200万元"]')
    assert browser.execute_script("return window.find('200万元');")
    # every resource came from the app itself (no CDN, no external font)
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name);")
    assert urls and all(u.startswith(app_url) or u.startswith("data:") or u.startswith("blob:") for u in urls), \
        [u for u in urls if not u.startswith(app_url)]


def test_compare_link_opens_the_clause_in_the_document_view(browser, app_url):
    open_and_wait(browser, f"{app_url}/?view=compare&category=independent-site", CITIES + ["200万元"])
    card = city_card(browser, "杭州")
    card.find_element(By.XPATH, './/a[contains(@href,"view=document")]').click()
    WebDriverWait(browser, 60).until(lambda d: "hangzhou-2023-9/1.1/c4" in d.find_element(By.TAG_NAME, "body").text)
    selected = browser.find_element(By.CSS_SELECTOR, "a.cl.sel")
    assert "给予不超过200万元的一次性资金扶持" in selected.text.replace(" ", "")  # the file has "200 万元"
    assert "view=document" in browser.current_url and "hangzhou-2023-9" in browser.current_url


def test_english_labels(browser, app_url):
    text = open_and_wait(browser, f"{app_url}/?view=compare&category=independent-site&lang=en",
                         ["Hangzhou (杭州)", "Independent website", "one-time"])
    assert "Compare" in text and "per site" in text
