"""Named queries (queries/*.rq|*.cypher): headers, parameters, hostile input, normalisation, and
the SPARQL side's answers on a store built from corpus/ (expected values read from the corpus texts).
The same answers from Neo4j are checked in test_parity.py.
"""
from __future__ import annotations

import doctest
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from graph import named_queries as nq
from policykg.errors import PolicyKGError

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {"compare-category", "coverage-matrix", "top-caps", "in-force-on", "cross-references",
            "funding-rules", "similar-incentives"}
CITIES = {"温州", "丽水", "杭州", "台州", "运城"}


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def rows_as_dicts(columns, rows) -> list[dict]:
    return [dict(zip(columns, r)) for r in rows]


def by_city(columns, rows) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows_as_dicts(columns, rows):
        out.setdefault(r["city"], []).append(r)
    return out


# --- the files ------------------------------------------------------------------------------------

def test_doctests_of_the_graph_modules():
    import graph.named_queries
    import graph.neo4j.mapping
    import graph.pg_model
    import graph.projection
    import graph.store

    for module in (graph.named_queries, graph.neo4j.mapping, graph.pg_model, graph.projection, graph.store):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__


def test_every_required_question_exists_as_a_checked_pair():
    names = set(nq.query_names())
    assert REQUIRED <= names
    for q in nq.load_all():
        assert q.question_zh and q.question_en, q.name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in q.question_zh), q.name
        assert q.files["rq"].exists() and q.files["cypher"].exists()
        assert q.column_names and len(set(q.column_names)) == len(q.column_names)


def write_pair(folder: Path, name: str, rq_header: dict, cy_header: dict | None = None,
               sparql: str = "SELECT ?x WHERE { ?x ?p $v }", cypher: str = "MATCH (x) WHERE x.v = $v RETURN x.iri AS x"):
    def header(h, mark):
        return "".join(f"{mark} {k}: {v}\n" for k, v in h.items())

    (folder / f"{name}.rq").write_text(header(rq_header, "#") + "\n" + sparql + "\n", encoding="utf-8")
    if cy_header is not None:
        (folder / f"{name}.cypher").write_text(header(cy_header, "//") + "\n" + cypher + "\n", encoding="utf-8")


HEADER = {"name": "q", "question-zh": "问题？", "question-en": "Question?", "params": "v (text, required)",
          "columns": "x", "sort": "x"}


def test_a_query_in_one_language_only_is_an_error(tmp_path):
    write_pair(tmp_path, "q", HEADER)
    with pytest.raises(PolicyKGError, match="one language only: q.cypher is missing"):
        nq.load_query("q", tmp_path)
    assert nq.query_names(tmp_path) == ["q"]


def test_headers_must_agree_and_parameters_must_be_declared(tmp_path):
    write_pair(tmp_path, "q", HEADER, {**HEADER, "columns": "y"})
    with pytest.raises(PolicyKGError, match="'columns:' header lines .* differ"):
        nq.load_query("q", tmp_path)
    write_pair(tmp_path, "q", {**HEADER, "params": "none"}, {**HEADER, "params": "none"})
    with pytest.raises(PolicyKGError, match=r"used, not declared: \['v'\]"):
        nq.load_query("q", tmp_path)
    write_pair(tmp_path, "q", {**HEADER, "params": "v (text), w (date)"}, {**HEADER, "params": "v (text), w (date)"})
    with pytest.raises(PolicyKGError, match=r"declared, not used: \['w'\]"):
        nq.load_query("q", tmp_path)
    write_pair(tmp_path, "q", HEADER, HEADER, sparql='SELECT ?x WHERE { ?x ?p "$v" } # $v')
    with pytest.raises(PolicyKGError, match="used, not declared: none; declared, not used: \\['v'\\]"):
        nq.load_query("q", tmp_path)  # $v inside a string or a comment is not a use
    write_pair(tmp_path, "q", HEADER, HEADER)
    assert nq.load_query("q", tmp_path).params == [nq.Param("v", "text", True, None)]


def test_unknown_query_names_are_refused():
    with pytest.raises(PolicyKGError, match="no named query 'no-such-query'.*compare-category"):
        nq.load_query("no-such-query")
    with pytest.raises(PolicyKGError, match="not a query name"):
        nq.load_query("../etc/passwd")
    assert not nq.is_named("queries/compare-category.rq")
    assert not nq.is_named("-")
    assert nq.is_named("compare-category")
    assert not nq.is_named("no-such-query")


# --- parameters ------------------------------------------------------------------------------------

def test_parameters_are_checked_before_anything_runs():
    q = nq.load_query("compare-category")
    with pytest.raises(PolicyKGError, match="parameter category is required"):
        nq.bind_params(q, {})
    with pytest.raises(PolicyKGError, match="unknown category 'nope'.*independent-site"):
        nq.bind_params(q, {"category": "nope"})
    with pytest.raises(PolicyKGError, match="unknown category"):
        nq.bind_params(q, {"category": 'independent-site> } ; DROP ALL ; SELECT * { <x'})
    with pytest.raises(PolicyKGError, match="unknown parameter.*colour"):
        nq.bind_params(q, {"category": "independent-site", "colour": "red"})
    q = nq.load_query("in-force-on")
    with pytest.raises(PolicyKGError, match="is not a date"):
        nq.bind_params(q, {"date": "2024-13-01"})
    q = nq.load_query("top-caps")
    with pytest.raises(PolicyKGError, match="not a whole number"):
        nq.bind_params(q, {"category": "exhibition", "limit": "3; DROP"})
    with pytest.raises(PolicyKGError, match="not a whole number"):
        nq.bind_params(q, {"category": "exhibition", "offset": "-1"})
    with pytest.raises(PolicyKGError, match="more than 10000 rows a page"):
        nq.bind_params(q, {"category": "exhibition", "limit": "10001"})
    q = nq.load_query("similar-incentives")
    with pytest.raises(PolicyKGError, match="not a clause id"):
        nq.bind_params(q, {"clause": "a> } DELETE {"})


def test_sparql_parameters_are_rdf_terms_bound_with_values():
    q = nq.load_query("funding-rules")
    text = nq.sparql_with_values(q.sparql, nq.bind_params(q, {"city": '温州" || true || "'}))
    assert 'VALUES (?_param_city) { ("温州\\" || true || \\"") }' in text
    assert "$city" not in text
    q = nq.load_query("in-force-on")
    text = nq.sparql_with_values(q.sparql, nq.bind_params(q, {"date": "2024-06-01"}))
    assert '(UNDEF UNDEF "2024-06-01"^^<http://www.w3.org/2001/XMLSchema#date>)' in text
    # one VALUES row at the start of every WHERE group (the query and each of its sub-selects)
    groups = text.count("WHERE {")
    assert groups > 3 and text.count("VALUES (?_param_category ?_param_city ?_param_date)") == groups
    assert "LIMIT 100 OFFSET 0" in text  # limit and offset: checked whole numbers, written as digits


def test_hostile_text_parameters_match_nothing(built_store):
    columns, rows = nq.run_named("funding-rules", {"city": '温州" || true || "'}, "rdf", built_store)
    assert rows == []
    columns, rows = nq.run_named("funding-rules", {"city": "温州 } ; DROP ALL ; SELECT * WHERE {"}, "rdf", built_store)
    assert rows == []
    with pytest.raises(PolicyKGError, match="not a clause id"):
        nq.run_named("similar-incentives", {"clause": 'x" } ; ?a ?b ?c {'}, "rdf", built_store)


# --- normalisation ------------------------------------------------------------------------------------

def test_normalisation_makes_both_backends_look_alike():
    q = nq.NamedQuery("t", "问", "q", [], nq.parse_columns("a, b (decimal), c (list), d (decimal list), e (date), f (bool), g (int)", "t"),
                      [("b", True)])
    sparql_rows = [("x", Decimal("2E+5"), "b|a|b", "3|50", "2024-01-01", True, 2),
                   ("y", Decimal("0.03"), "", "", None, None, None)]
    neo4j_rows = [("x", "200000", ["a", "b"], ["50", "3"], __import__("datetime").date(2024, 1, 1), True, 2),
                  ("y", "0.03", [], [], None, None, None)]
    a = nq.normalise_rows(q, q.column_names, sparql_rows, "rdf")
    b = nq.normalise_rows(q, q.column_names, neo4j_rows, "neo4j")
    assert a == b
    assert a[0] == ("x", Decimal("200000"), ("a", "b"), (Decimal("3"), Decimal("50")), "2024-01-01", True, 2)
    # the rows keep the query's order (its ORDER BY on stored sort keys): the runner never sorts again
    assert [r[0] for r in nq.normalise_rows(q, q.column_names, sparql_rows[::-1], "rdf")] == ["y", "x"]
    with pytest.raises(PolicyKGError, match="exact decimal"):
        nq.normalise_value(0.1, "decimal")
    with pytest.raises(PolicyKGError, match="returned columns"):
        nq.normalise_rows(q, ["a"], [], "rdf")


# --- answers on the corpus (SPARQL) ------------------------------------------------------------------

def test_compare_category_independent_site_matches_the_corpus(built_store):
    columns, rows = nq.run_named("compare-category", {"category": "independent-site"}, "rdf", built_store)
    cities = by_city(columns, rows)
    assert set(cities) == CITIES and all(len(v) == 1 for v in cities.values())
    wz, yc, hz, tz, ls = (cities[c][0] for c in ("温州", "运城", "杭州", "台州", "丽水"))
    # 温州 一、2: 按独立站建设及运维实际投入经费的 50%给予补助 ... 单个独立站补助最高不超过 20万元;
    # 跨境电商申报出口额达 200万美元以上; 具体补助金额由属地政府承担; 2022年8月25日起施行, 有效期至 2022年12月31日
    assert (wz["article"], wz["instrument"], wz["rates"]) == ("一、2", "proportional", (Decimal(50),))
    assert wz["caps"] == ("200000 CNY per website",)
    assert wz["thresholds"] == ("exports >= 2000000 USD",)
    assert wz["funding"] == ("local: city 0%, local 100%",)
    assert (wz["valid_from"], wz["valid_to"]) == ("2022-08-25", "2022-12-31")
    assert wz["source"].startswith("corpus/wenzhou-2022-60.txt:") and "20万元" in wz["text"]
    # 运城 第五条（二）: 当年后台实际交易数据达300万元（含）以上的，给予单个独立站15万元奖励; 有效期至 2025年12月31日
    assert (yc["article"], yc["instrument"], yc["awards"]) == ("第五条（二）", "fixed", ("150000 CNY per website",))
    assert yc["thresholds"] == ("turnover >= 3000000 CNY",) and yc["caps"] == ()
    assert {"shared: city 50%, local 50%", "shared: city 20%, local 80%"} <= set(yc["funding"])  # 5:5, 2:8
    assert (yc["valid_from"], yc["valid_to"]) == ("2024-04-10", "2025-12-31")
    # 杭州 一、（一）: 给予不超过 200 万元的一次性资金扶持; 市区财政各承担 50% 或 25%、75%
    # 给予不超过200万元的一次性资金扶持: only a ceiling, no rule for the amount (issue 13)
    assert (hz["instrument"], hz["caps"], hz["one_time"]) == ("ceiling", ("2000000 CNY",), True)
    assert set(hz["funding"]) == {"shared: city 50%, local 50%", "shared: city 25%, local 75%"}
    assert (hz["valid_from"], hz["valid_to"]) == ("2023-02-18", "2026-02-18")
    # 台州 附件一、（三）: 按照企业投资额的 20% 给予一次性资金扶持，最高不超过 100 万元; 2025年1月1日起施行, 有效期为3年
    assert (tz["rates"], tz["caps"], tz["one_time"]) == ((Decimal(20),), ("1000000 CNY",), True)
    assert (tz["valid_from"], tz["valid_to"]) == ("2025-01-01", "2027-12-31")
    # 丽水 二、: 年度跨境电商交易额达 500 万元以上 ... 50%补助，每年补助不超过50万元; 2022年2月1日起施行，有效期五年
    assert (ls["rates"], ls["caps"]) == ((Decimal(50),), ("500000 CNY per year",))
    assert "turnover >= 5000000 CNY" in ls["thresholds"]
    assert ls["valid_from"] == "2022-02-01" and ls["funding"] == ("fiscal-system",)


def test_funding_rules_match_the_corpus(built_store):
    columns, rows = nq.run_named("funding-rules", {}, "rdf", built_store)
    cities = by_city(columns, rows)
    assert set(cities) == CITIES
    # 温州: 具体补助金额由属地政府承担 in items 1, 2, 4 and 7; otherwise 按现行财政体制分担
    local = [r for r in cities["温州"] if r["kind"] == "local"]
    assert {a for r in local for a in r["applies_to"]} == {"一、1", "一、2", "一、4", "一、7"}
    assert all(r["local_share"] == Decimal(100) and r["city_share"] == Decimal(0) for r in local)
    assert any(r["kind"] == "fiscal-system" for r in cities["温州"])
    # 杭州: 除"六、七、九"条由市级财政承担 ... 各承担 50% ... 分别承担 25%、75%
    hz = {(r["city_share"], r["local_share"]): r for r in cities["杭州"]}
    assert set(hz) == {(Decimal(100), Decimal(0)), (Decimal(50), Decimal(50)), (Decimal(25), Decimal(75))}
    assert set(hz[(Decimal(100), Decimal(0))]["applies_to"]) == {"六", "七", "九"}
    assert set(hz[(Decimal(25), Decimal(75))]["districts"]) == {"萧山区", "余杭区", "临平区", "临安区", "桐庐县", "淳安县", "建德市"}
    assert {"上城区", "拱墅区", "西湖区", "钱塘区", "富阳区"} <= set(hz[(Decimal(50), Decimal(50))]["districts"])
    # 运城: 第三条、第四条、第五条 ... 盐湖区、运城开发区 5:5，其余各县（市）（永济市除外）2:8，其余条款 ... 由市本级承担
    yc = {(r["city_share"], r["local_share"]): r for r in cities["运城"] if r["kind"] != "fiscal-system"}
    assert set(yc[(Decimal(50), Decimal(50))]["districts"]) == {"盐湖区", "运城开发区"}
    assert set(yc[(Decimal(50), Decimal(50))]["applies_to"]) == {"第三条", "第四条", "第五条"}
    assert (Decimal(20), Decimal(80)) in yc
    assert set(yc[(Decimal(100), Decimal(0))]["except_articles"]) == {"第三条", "第四条", "第五条"}
    # 丽水: 按现行财政体制分担; 台州: 本政策按现行财政体制分级承担
    assert [r["kind"] for r in cities["丽水"]] == ["fiscal-system"]
    assert [r["kind"] for r in cities["台州"]] == ["fiscal-system"]
    columns, only = nq.run_named("funding-rules", {"city": "杭州市"}, "rdf", built_store)
    assert {r[0] for r in only} == {"杭州"} and len(only) == 3


@pytest.mark.parametrize("day, cities", [
    ("2022-10-01", {"温州", "丽水"}),  # 温州 2022-08-25..2022-12-31; 丽水 from 2022-02-01 for five years
    ("2024-06-01", {"丽水", "杭州", "运城"}),  # 杭州 2023-02-18..2026-02-18; 运城 2024-04-10..2025-12-31
    ("2025-06-01", {"丽水", "杭州", "运城", "台州"}),  # 台州 from 2025-01-01 for three years
])
def test_in_force_on_follows_the_validity_clauses(built_store, day, cities):
    columns, rows = nq.run_named("in-force-on", {"date": day}, "rdf", built_store)
    assert {r[0] for r in rows} == cities


def test_top_caps_and_coverage_rank_money_exactly(built_store):
    # 温州 三、14's 所有企业年度累计补助最高不超过 300万元 is a pool for all enterprises, not a cap one
    # firm meets; the highest exhibition cap is 温州 二、10: 参加境外展会补助最高不超过 3万元 (运城 and
    # 台州 cap at 2万元)
    columns, rows = nq.run_named("top-caps", {"category": "exhibition", "limit": "2"}, "rdf", built_store)
    top = rows_as_dicts(columns, rows)
    assert len(top) == 2 and top[0]["cap"] == Decimal(30000) and top[0]["city"] == "温州"
    assert top[0]["cap"] >= top[1]["cap"]
    columns, rows = nq.run_named("coverage-matrix", {"limit": "1000"}, "rdf", built_store)
    cells = {(r["city"], r["category"]): r for r in rows_as_dicts(columns, rows)}
    assert {c for c, _ in cells} == CITIES
    # 独立站 in every city; 公共海外仓: 杭州 不超过 75 万元 (the highest), 丽水, 运城; none in 温州 and 台州
    assert all(cells[(c, "independent-site")]["incentives"] >= 1 for c in CITIES)
    assert cells[("杭州", "public-overseas-warehouse")]["highest_cap"] == Decimal(750000)
    assert cells[("温州", "public-overseas-warehouse")]["incentives"] == 0
    assert cells[("温州", "public-overseas-warehouse")]["highest_cap"] is None


def test_cross_references_and_similar_incentives(built_store):
    columns, rows = nq.run_named("cross-references", {}, "rdf", built_store)
    cited = {(r["city"], r["article"], r["cited"]) for r in rows_as_dicts(columns, rows)}
    # 丽水 二、 and 三、: 参照《…》（丽政办发〔2020〕1号）文件执行; 九、: 参照 … （丽政发〔2019〕7号）
    assert {("丽水", "二、", "丽政办发〔2020〕1号"), ("丽水", "三、", "丽政办发〔2020〕1号"),
            ("丽水", "九、", "丽政发〔2019〕7号")} <= cited
    columns, rows = nq.run_named("similar-incentives", {"clause": "wenzhou-2022-60/1.2/c1"}, "rdf", built_store)
    similar = rows_as_dicts(columns, rows)
    # proportional support of independent sites elsewhere: 丽水 二、(50%) and 台州 附件一、（三）(20%)
    assert {(r["city"], r["rates"]) for r in similar} == {("丽水", (Decimal(50),)), ("台州", (Decimal(20),))}
    assert all("independent-site" in r["shared_categories"] and r["city"] != "温州" for r in similar)


def test_similar_incentives_of_a_clause_with_three_categories(built_store):
    # 温州 二、9: 新获得国家级服务贸易发展基地（园区）的，给予 80万元的一次性奖励 (demonstration-award,
    # industrial-park, service-trade; a fixed sum). Fixed sums of the other cities in one of them:
    # 丽水 四、 (产业园区 100万元), 台州 附件一、（三） (出口知名品牌 10万元), 运城 第三条（二） (示范园区 50万元:
    # both demonstration-award and industrial-park, listed once) and 第三条（三） (示范企业, two clauses);
    # service-trade has no fixed sum elsewhere.
    page = nq.run_page("similar-incentives", {"clause": "wenzhou-2022-60/2.9/c1"}, "rdf", built_store)
    rows = rows_as_dicts(page.columns, page.rows)
    assert [(r["city"], r["article"], r["shared_categories"]) for r in rows] == [
        ("丽水", "四、", ("industrial-park",)), ("台州", "附件一、（三）", ("demonstration-award",)),
        ("运城", "第三条（二）", ("demonstration-award", "industrial-park")),
        ("运城", "第三条（三）", ("demonstration-award",)), ("运城", "第三条（三）", ("demonstration-award",))]
    assert page.total == 5 and rows[2]["awards"] == ("500000 CNY",)
    page = nq.run_page("similar-incentives", {"clause": "wenzhou-2022-60/2.9/c1", "city": "运城", "limit": "1",
                                              "offset": "1"}, "rdf", built_store)
    assert ([r[3] for r in page.rows], page.total) == (["yuncheng-2024-10/3.3/c1"], 3)
    # the clause's own city as the filter, and a clause no other city matches: no rows, total 0
    for params in ({"clause": "wenzhou-2022-60/2.9/c1", "city": "温州"}, {"clause": "lishui-2021-67/2/c4"}):
        page = nq.run_page("similar-incentives", params, "rdf", built_store)
        assert (page.rows, page.total) == ([], 0)


# --- the command line ------------------------------------------------------------------------------

def test_cli_lists_and_runs_named_queries(built_store):
    out = cli("named")
    assert out.returncode == 0, out.stderr
    for name in REQUIRED:
        assert name in out.stdout
    out = cli("named", "compare-category", "--store", str(built_store), "--param", "category=independent-site",
              "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {r["city"] for r in data} == CITIES
    wz = next(r for r in data if r["city"] == "温州")
    assert wz["rates"] == [50] and wz["caps"] == ["200000 CNY per website"]
    out = cli("named", "top-caps", "--store", str(built_store), "--param", "category=exhibition", "--param", "limit=1",
              "--format", "csv")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("city,document,article,clause,cap") and len(lines) == 2 and ",30000," in lines[1]


@pytest.mark.parametrize("args, message", [
    (("named", "compare-category", "--param", "category=nope"), "unknown category 'nope'"),
    (("named", "compare-category"), "parameter category is required"),
    (("named", "compare-category", "--param", "category"), "should read KEY=VALUE"),
    (("named", "no-such-query"), "no named query 'no-such-query'"),
])
def test_cli_errors_are_one_line(built_store, args, message):
    out = cli(*args, "--store", str(built_store))
    assert out.returncode != 0
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


# --- pages and filters ------------------------------------------------------------------------------

def test_pages_filters_and_totals_match_the_corpus(built_store):
    # 温州 supports exhibitions in 二、10 (参加境内外展会: 境外 3万元, 境内 4000元, 70%) and 三、14 (进口展会:
    # 所有企业年度累计补助最高不超过 300万元): two incentives, in article order
    page = nq.run_page("compare-category", {"category": "exhibition", "city": "温州市"}, "rdf", built_store)
    assert page.total == 2 and [r[2] for r in page.rows] == ["二、10", "三、14"]
    assert page.rows[0][6] == ("30000 CNY (境外)", "4000 CNY (境内)")
    # the exhibition caps, highest first: 3万 境外 (温州 二、10), then 2.5万 per booth (运城 第三条（一）: 境外每个
    # 展位补助最高2.5万元); 温州 三、14's 300万 is a pool for all enterprises, no cap (issue 13). The second
    # page of one row is the second cap
    page = nq.run_page("top-caps", {"category": "exhibition", "limit": "1", "offset": "1"}, "rdf", built_store)
    assert (page.rows[0][3], page.rows[0][4], page.offset, page.limit) == ("yuncheng-2024-10/3.1/c1", Decimal(25000), 1, 1)
    assert page.summary() == f"rows 2-2 of {page.total}"
    # 5 cities x the 29 concepts of ontology/categories.ttl
    assert nq.run_page("coverage-matrix", {"limit": "0"}, "rdf", built_store).total == 145
    # 杭州's three funding rules (市级 100%; 50:50; 25:75): past them, no rows and still the total
    past = nq.run_page("funding-rules", {"city": "杭州", "offset": "3"}, "rdf", built_store)
    assert (past.rows, past.total) == ([], 3)


def test_a_store_of_an_older_format_is_refused_with_one_line_saying_rebuild(built_store, tmp_path):
    """A store built before the materialised values a query reads (here: its format mark changed to
    an older one, as a store built by an earlier version has) is refused in one line, exit 2,
    rather than answered from with empty pages and wrong totals."""
    import shutil

    import pyoxigraph as ox

    from graph.namespaces import PKG, XSD
    from graph.store import FORMAT_NODE, STORE_FORMAT

    old = tmp_path / "store"
    shutil.copytree(built_store, old, symlinks=True)
    db = ox.Store(str((old / "oxigraph").resolve()))
    mark = ox.NamedNode(str(FORMAT_NODE))
    for q in list(db.quads_for_pattern(mark, ox.NamedNode(str(PKG.storeFormat)), None)):
        db.remove(q)
    db.add(ox.Quad(mark, ox.NamedNode(str(PKG.storeFormat)), ox.Literal(str(STORE_FORMAT - 1),
                   datatype=ox.NamedNode(str(XSD.integer)))))
    db.flush()
    del db
    done = cli("query", "in-force-on", "--store", str(old), "--param", "date=2024-06-01")
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"format {STORE_FORMAT - 1}" in lines[0] and "policykg build" in lines[0], lines
    # a build of the version before the mark: materialised values (pkg:sortKey) and no mark at all
    db = ox.Store(str((old / "oxigraph").resolve()))
    for q in list(db.quads_for_pattern(mark, None, None)):
        db.remove(q)
    db.flush()
    del db
    done = cli("query", "top-caps", "--store", str(old), "--param", "category=exhibition")
    assert done.returncode == 2 and "no format mark" in done.stderr and "policykg build" in done.stderr
    assert cli("query", "in-force-on", "--store", str(built_store), "--param", "date=2024-06-01").returncode == 0
