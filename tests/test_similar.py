"""Similar clauses across cities: expectations read by hand from corpus/ (same subject, other cities)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analysis.similar import SimilarityIndex, match_record, ngrams, shared_phrases, similar
from policykg.errors import PolicyKGError
from tests.conftest import ROOT

POLICYKG = [sys.executable, "-m", "policykg.cli"]


@pytest.fixture(scope="module")
def docs(corpus_docs):
    return [corpus_docs[k] for k in sorted(corpus_docs)]


@pytest.fixture(scope="module")
def index(docs):
    return SimilarityIndex(docs)


# clause -> clauses of other cities on the same subject, read from the texts:
CASES = {
    # 温州 一、2 独立站 50%: 丽水 二、(独立站 50%), 台州 附件一（三）(独立站 20%), 运城 第五条（二）(每个独立站15万元),
    # 杭州 一、（一）(应用独立站…不超过200万元)
    "wenzhou-2022-60/1.2/c1": {"lishui-2021-67/2/c3", "taizhou-2024-26/annex.1.3/c3", "yuncheng-2024-10/5.2/c2",
                               "hangzhou-2023-9/1.1/c4"},
    # 运城 第三条（一）展位费 80%/70%: 温州 三、14 (进口展会 70%), 温州 二、10 (服务贸易类展会 70%), 杭州 二、（四）(展位费的70%)
    "yuncheng-2024-10/3.1/c1": {"wenzhou-2022-60/3.14/c1", "wenzhou-2022-60/2.10/c1", "hangzhou-2023-9/2.4/c3"},
    # 台州 附件四（三）出口信保保费 60%: 运城 第七条 (不超过30%的保费补助)
    "taizhou-2024-26/annex.4.3/c2": {"yuncheng-2024-10/7/c1"},
    # 杭州 二、（三）境外商标注册费用 70%: 台州 附件一（三）(商标国际注册费用50%), 运城 第四条 (认证、注册、检测费用的30%)
    "hangzhou-2023-9/2.3/c1": {"taizhou-2024-26/annex.1.3/c1", "yuncheng-2024-10/4/c1"},
    # 丽水 五、市级公共海外仓建设成本 50%: 运城 第五条（三）(海外仓 30%, 公共海外仓试点 30万元), 杭州 三、（五）(市级公共海外仓)
    "lishui-2021-67/5/c1": {"yuncheng-2024-10/5.3/c1", "yuncheng-2024-10/5.3/c2", "hangzhou-2023-9/3.5/c2"},
}


@pytest.mark.parametrize("clause_id", CASES)
def test_top_matches_are_the_same_subject_elsewhere(index, clause_id):
    want = CASES[clause_id]
    got = [m.clause_id for m in index.similar(clause_id, top=len(want))]
    assert set(got) == want, got


def test_only_other_cities_best_first_with_reasons(index, docs):
    city = {c.id: d.city for d in docs for c in d.clauses}
    for clause_id in CASES:
        matches = index.similar(clause_id, top=10)
        assert len(matches) == 10
        assert all(city[m.clause_id] != city[clause_id] for m in matches)
        assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
        for m in matches:
            assert m.reasons[0].startswith("text similarity")
            assert 0 <= m.text_score <= 1.0001 and 0 <= m.category_score <= 1
    top = index.similar("wenzhou-2022-60/1.2/c1", top=1)[0]
    assert "shared categories: 独立站 (independent-site)" in top.reasons
    assert "same instrument: proportional" in top.reasons
    assert "独立站" in "".join(top.shared_terms)


def test_kind_filter_and_unknown_clause(index, docs):
    kinds = {c.id: c.kind for d in docs for c in d.clauses}
    assert all(kinds[m.clause_id] == "incentive"
               for m in index.similar("wenzhou-2022-60/1.2/c1", top=20, kind="incentive"))
    with pytest.raises(PolicyKGError, match="no clause"):
        index.similar("wenzhou-2022-60/99/c9")
    assert [m.clause_id for m in similar(docs, "taizhou-2024-26/annex.4.3/c2", 1)] == ["yuncheng-2024-10/7/c1"]


def test_text_features():
    assert ngrams("独立站") == {"独立": 1, "立站": 1, "独立站": 1}
    assert "0万" in ngrams("给予20万元")  # numbers fold to 0: 20万 and 15万 look alike
    assert shared_phrases("单个独立站补助最高不超过20万元", "给予单个独立站15万元奖励", {}) == ["单个独立站", "万元"]


def test_match_record_is_json(index):
    rec = match_record(index.similar("hangzhou-2023-9/2.3/c1", 1)[0])
    assert json.loads(json.dumps(rec, ensure_ascii=False))["clause_id"] == "taizhou-2024-26/annex.1.3/c1"
    assert {"score", "reasons", "shared_terms", "shared_categories", "text", "city", "article"} <= set(rec)


def test_cli_similar(built_store):
    r = subprocess.run(POLICYKG + ["similar", "taizhou-2024-26/annex.4.3/c2", "--format", "json", "--top", "3",
                                   "--store", str(built_store)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["matches"][0]["clause_id"] == "yuncheng-2024-10/7/c1" and len(out["matches"]) == 3
    r = subprocess.run(POLICYKG + ["similar", "wenzhou-2022-60/1.2/c1", "--store", str(built_store)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and "lishui-2021-67/2/c3" in r.stdout
    r = subprocess.run(POLICYKG + ["similar", "nope/1/c1", "--store", str(built_store)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "nope/1/c1" in r.stderr
