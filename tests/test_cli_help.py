"""The command line's lists of terms come from the ontology (graph/vocabulary.py), not from strings in
the commands: `policykg clauses --help` lists the categories and clause kinds that ontology/*.ttl
declares, the options accept exactly those, and reading them never slows a command's start.
"""
from __future__ import annotations

import subprocess
import sys

from graph import vocabulary


def policykg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policykg.cli", *args], capture_output=True, text=True,
                          timeout=120)


def _flat(text: str) -> str:
    """argparse wraps help at the terminal width, breaking hyphenated slugs: join the lines back."""
    return "".join(line.strip() for line in text.splitlines())


def test_clauses_help_lists_the_ontology_categories_and_kinds():
    done = policykg("clauses", "--help")
    assert done.returncode == 0, done.stderr
    help_text = _flat(done.stdout)
    # categories.ttl declares cat:independent-site (独立站) and cat:overseas-warehouse (海外仓)
    assert "independent-site" in help_text and "overseas-warehouse" in help_text
    assert ",".join(vocabulary.terms("category")) in help_text.replace(", ", ",")
    # policykg.ttl: pkg:Incentive, pkg:Measure, pkg:Target, pkg:GeneralProvision
    assert "only this kind: general, incentive, measure, target" in done.stdout
    assert "{terms:" not in done.stdout


def test_a_kind_the_ontology_does_not_declare_is_refused_with_the_declared_ones(built_store):
    done = policykg("clauses", "--store", str(built_store), "--kind", "subsidy")
    assert done.returncode == 2 and done.stdout == ""
    assert "invalid choice: 'subsidy'" in done.stderr and "'incentive'" in done.stderr
    done = policykg("similar", "wenzhou-2022-60/1.1/c2", "--store", str(built_store), "--kind", "subsidy")
    assert done.returncode == 2 and "invalid choice: 'subsidy'" in done.stderr


def test_a_declared_category_filters_the_clauses(built_store):
    # 温政办〔2022〕60号 一、1 (9610/1210 imports) is in the category import
    done = policykg("clauses", "--store", str(built_store), "--category", "import", "--city", "温州")
    assert done.returncode == 0, done.stderr
    assert '"id": "wenzhou-2022-60/1.1/c2"' in done.stdout


def test_building_the_parser_does_not_read_the_ontology():
    code = ("import sys; from policykg.cli import parser; parser(); "
            "print('rdflib' in sys.modules, 'graph.vocabulary' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_the_status_option_lists_the_ontology_statuses_and_a_wrong_one_is_one_line():
    # policykg.ttl: status:draft (征求意见稿), status:in-force, status:repealed, status:unknown
    assert vocabulary.terms("status") == ["draft", "in-force", "repealed", "unknown"]
    done = policykg("inspect", "--help")
    assert done.returncode == 0, done.stderr
    assert "status: draft, in-force, repealed, unknown" in " ".join(done.stdout.split())
    done = policykg("inspect", "corpus/wenzhou-2022-60.txt", "--status", "abolished")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "status 'abolished' is not one of draft, in-force, repealed, unknown" in done.stderr
