"""graph/projection.py on a store built from corpus/: the networkx projection, the analyses (expected
values read from the corpus texts), and pyvis pages that render offline in Debian's headless chromium.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from graph import projection as pj
from policykg.build import load_documents
from policykg.errors import PolicyKGError

ROOT = Path(__file__).resolve().parent.parent
CITIES = ["丽水", "台州", "杭州", "温州", "运城"]


@pytest.fixture(scope="module")
def graph(built_store):
    return pj.project_documents(load_documents(built_store))


def test_projection_has_cities_categories_and_incentives(graph):
    assert pj.cities(graph) == CITIES
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert kinds == {"city", "category", "incentive"}
    # 温州 一、2 (独立站, 20万元 per site) is an incentive of 温州 in the category independent-site
    node = pj.incentive_node("wenzhou-2022-60/1.2/c1")
    assert graph.nodes[node]["city"] == "温州" and str(graph.nodes[node]["highest_cap"]) == "200000"
    assert graph.has_edge(pj.city_node("温州"), node)
    assert graph.has_edge(node, pj.category_node("independent-site"))
    # ontology/categories.ttl: 公共海外仓 is narrower than 海外仓
    assert graph.edges[pj.category_node("public-overseas-warehouse"), pj.category_node("overseas-warehouse")]["relation"] == "broader"


def test_categories_only_one_city_covers(graph):
    unique = pj.unique_categories(graph)
    # 服务贸易 appears only in 温州 (二、支持服务贸易发展); 产业带 only in 台州 (附件一、（二）)
    assert unique["service-trade"] == "温州"
    assert unique["industrial-belt"] == "台州"
    # every city supports independent websites (温州 一、2, 杭州 一、（一）, 丽水 二、, 台州 附件一、（三）, 运城 第五条（二）)
    assert "independent-site" not in unique
    assert all(pj.category_profile(graph, c)["independent-site"] >= 1 for c in CITIES)


def test_how_alike_two_cities_are(graph):
    same = pj.city_similarity(graph, "温州", "温州")
    assert same["jaccard"] == 1.0 and abs(same["cosine"] - 1.0) < 1e-9
    ab, ba = pj.city_similarity(graph, "温州", "杭州"), pj.city_similarity(graph, "杭州市", "温州")
    assert ab["jaccard"] == ba["jaccard"] and abs(ab["cosine"] - ba["cosine"]) < 1e-9
    assert 0 < ab["jaccard"] < 1
    assert "independent-site" in ab["shared"] and "service-trade" in ab["only_a"] and "service-trade" in ba["only_b"]
    # 公共海外仓: 杭州 (五) yes, 温州 no
    assert "public-overseas-warehouse" in ab["only_b"]
    matrix = pj.similarity_matrix(graph)
    assert len(matrix) == 25 and all(0 <= v <= 1 for v in matrix.values())
    assert all(matrix[(c, c)] == 1.0 for c in CITIES)
    with pytest.raises(PolicyKGError, match="no city '北京'"):
        pj.city_similarity(graph, "北京", "温州")


def test_neighbourhoods(graph):
    sub = pj.neighbourhood(graph, "independent-site")
    kinds = {}
    for _, d in sub.nodes(data=True):
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    assert {graph.nodes[n]["city"] for n in sub if graph.nodes[n]["kind"] == "city"} == set(CITIES)
    assert kinds["incentive"] == 5  # one independent-site incentive per city (see above)
    city = pj.neighbourhood(graph, "温州市")
    assert {d["kind"] for _, d in city.nodes(data=True)} == {"city", "category", "incentive"}
    assert [n for n in city if graph.nodes[n]["kind"] == "city"] == [pj.city_node("温州")]
    assert pj.category_node("service-trade") in city
    with pytest.raises(PolicyKGError, match="no city or category"):
        pj.neighbourhood(graph, "nowhere")


def test_html_has_every_resource_inline(graph, tmp_path):
    path = tmp_path / "independent-site.html"
    html = pj.to_html(pj.neighbourhood(graph, "independent-site"), path, "独立站 independent-site")
    assert path.read_text(encoding="utf-8") == html
    assert not re.search(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?[^\"'>\s]*http", html, re.I)
    assert pj.external_assets(html) == []
    assert "vis-network" in html and "<h2 style=\"font-family:sans-serif\">独立站 independent-site</h2>" in html
    assert "\\u6e29\\u5dde" in html  # 温州, as pyvis writes it in the node data


def _harness():
    spec = importlib.util.spec_from_file_location("e2e_harness", ROOT / "tests" / "e2e" / "harness.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_html_renders_offline_in_chromium(graph, tmp_path):
    harness = _harness()
    try:
        harness.chromium_paths()
    except harness.BrowserMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    path = tmp_path / "wenzhou.html"
    sub = pj.neighbourhood(graph, "温州")
    pj.to_html(sub, path, "温州")
    driver = harness.make_driver(tmp_path / "profile")
    try:
        driver.get(path.as_uri())
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(driver, 60).until(lambda d: d.execute_script(
            "return typeof network !== 'undefined' && document.querySelector('#mynetwork canvas') !== null"))
        drawn = driver.execute_script("return network.body.data.nodes.length")
        remote = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('file:'))")
    finally:
        driver.quit()
    assert drawn == sub.number_of_nodes()
    assert remote == []
