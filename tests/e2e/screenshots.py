"""`make screenshots`: serve the app from the store ($POLICYKG_STORE or store/, built first if missing)
and write docs/screenshots/<view>.png for every view with headless Chromium, each taken after
the view's content has rendered.

Usage: .venv/bin/python tests/e2e/screenshots.py [--out DIR] [VIEW ...]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from harness import ROOT, App, BrowserMissing, build_store, full_screenshot, make_driver, open_and_wait

WIDTH = 1700
# view -> (query string, texts that must be on the page before the picture is taken)
SHOTS = {
    "overview": ("view=overview", ["独立站", "杭政办函〔2023〕9号", "运城"]),
    "compare": ("view=compare&category=independent-site&on=2024-06-01", ["杭州", "200万元", "运城", "15万元"]),
    "document": ("view=document&doc=wenzhou-2022-60&clause=wenzhou-2022-60/1.2/c1", ["抽取的字段", "每个独立站"]),
    "graph": ("view=graph&category=independent-site", ["独立站", "运城"]),
    "timeline": ("view=timeline&on=2024-06-01", ["2024-06-01 有效的文件", "运政办发〔2024〕10号"]),
    "console": ("view=console", ["SPARQL", "运行"]),
    "export": ("view=export&category=independent-site", ["下载 Turtle", "下载 JSON-LD"]),
    "draft": ("view=draft&category=independent-site", ["起草条款", "lishui-2021-67/2/c3"]),
    "estimate": ("view=estimate", ["运城 · 合计", "杭州 · 合计"]),
    "upload": ("view=upload", ["上传一份政策文件"]),
    "compare-en": ("view=compare&category=independent-site&on=2024-06-01&lang=en", ["杭州 Hangzhou", "one-time"]),
}


def run_console_query(driver) -> None:
    """Click 运行 so that the console's picture shows a result table."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    button = driver.find_element(By.XPATH, '//button[normalize-space()="运行"]')
    button.click()
    WebDriverWait(driver, 60).until(lambda d: "行，用时" in d.find_element(By.TAG_NAME, "body").text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    p.add_argument("views", nargs="*", default=list(SHOTS))
    args = p.parse_args(argv)
    unknown = [v for v in args.views if v not in SHOTS]
    if unknown:
        p.error(f"unknown view {unknown[0]}; one of: {', '.join(SHOTS)}")
    store = Path(os.environ.get("POLICYKG_STORE", ROOT / "store"))
    if not (store / "documents.json").exists():
        build_store(store)
    with tempfile.TemporaryDirectory() as tmp:
        app = App(store, Path(tmp) / "streamlit.log", env={"NEO4J_URI": ""},
                  extra_args=("--client.toolbarMode", "minimal"))
        try:
            driver = make_driver(Path(tmp) / "profile", width=WIDTH)
        except BrowserMissing as exc:
            app.stop()
            print(f"screenshots: {exc}", file=sys.stderr)
            return 1
        try:
            for view in args.views:
                query, texts = SHOTS[view]
                open_and_wait(driver, f"{app.url}/?{query}", texts)
                if view == "console":
                    run_console_query(driver)
                path = full_screenshot(driver, args.out / f"{view}.png", width=WIDTH)
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        finally:
            driver.quit()
            app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
