"""The HTML report in headless Chromium (Playwright driving the system browser), opened from the file system."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from holistic.cli.summarize import main as summarize_main
from holistic.report.html import run_slug

pytestmark = [pytest.mark.browser, pytest.mark.slow]

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium not installed (make dev installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: message.type == "error" and page.problems.append(f"console: {message.text}"),
    )
    page.on(
        "request",
        lambda request: request.url.startswith("file://") or page.problems.append(f"network: {request.url}"),
    )

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


def summarize(out: Path, suite: str = "t") -> Path:
    assert summarize_main(["--suite", suite, "--output-path", str(out), "-q"]) == 0
    return out / "runs" / suite


def run_dir(out: Path, *words: str, suite: str = "t") -> Path:
    return next(
        d
        for d in sorted((out / "runs" / suite).iterdir())
        if all(w in d.name for w in words) and (d / "run_spec.json").exists()
    )


def test_leaderboard_to_run_to_instance(two_model_suite, tmp_path, page):
    out = tmp_path / "out"
    shutil.copytree(two_model_suite, out, symlinks=True)
    suite_dir = summarize(out)
    five_shot = next(
        d
        for d in sorted(suite_dir.iterdir())
        if "philosophy" in d.name and "simple_model1" in d.name and "max_train_instances" not in d.name
    )
    first_state = json.loads((five_shot / "scenario_state.json").read_text())["request_states"][0]

    page.goto((suite_dir / "report" / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Suite t"
    assert page.locator("svg.chart").count() >= 1  # main metric by model and scenario
    page.get_by_role("link", name="MMLU (Massive Multitask Language Understanding)").first.click()

    assert page.locator("h1").inner_text() == "MMLU (Massive Multitask Language Understanding)"
    block = page.locator("section#t-subject_philosophy")
    rows = block.locator("tbody tr", has_text="Simple Model 1")
    assert rows.count() == 2
    if any("smollm2" in d.name for d in suite_dir.iterdir()):  # the bundled model, when installed
        assert block.locator("tbody tr", has_text="SmolLM2 Instruct (135M)").count() == 1
    assert rows.nth(1).locator("td").first.inner_text() == "Simple Model 1 [max_train_instances: 5]"
    # Cell descriptions: hidden until asked for, then min/mean/max (count) under each value.
    description = block.locator("td.num .desc").first
    assert not description.is_visible()
    block.locator("input.toggle-desc").check()
    assert (
        description.is_visible() and "mean=" in description.inner_text() and "(1)" in description.inner_text()
    )
    # Sorting by a column puts the better value first.
    header = block.locator("thead th").nth(1)
    header.click()
    assert header.get_attribute("aria-sort") == "descending"

    rows.locator("td.label a", has_text="[max_train_instances: 5]").click()
    assert page.locator("h1").inner_text() == five_shot.name
    first = page.locator(".instance").first
    first.wait_for()
    assert first.locator(".iid").inner_text() == first_state["instance"]["id"]
    body = first.locator(".instance-body")
    assert not body.is_visible()
    first.locator(".instance-head").click()
    assert body.is_visible()
    assert body.locator("pre.input").inner_text() == first_state["instance"]["input"]
    assert body.locator("pre.completion").inner_text() == first_state["result"]["completions"][0]["text"]
    correct = [r["output"] for r in first_state["instance"]["references"] if "correct" in r["tags"]]
    assert body.locator("ul.refs li.correct").inner_text().startswith(correct[0])
    assert "exact_match" in body.locator("table.inst-stats").inner_text()
    body.locator("details.prompt-box summary").click()
    assert body.locator("pre.prompt").inner_text() == first_state["request"]["prompt"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-run-page.png"), full_page=True)
    assert page.problems == [] and page.dialogs == []


def test_model_output_is_text_never_markup(suite_copy, page):
    target = next(
        d for d in sorted((suite_copy / "runs" / "t").iterdir()) if d.name.startswith("mmlu:subject=anatomy")
    )
    path = target / "scenario_state.json"
    state = json.loads(path.read_text())
    first = state["request_states"][0]
    first["result"]["completions"][0]["text"] = XSS
    first["instance"]["input"] = "question <img src=y onerror=alert(3)>"
    first["instance"]["references"][0]["output"] = "</pre><script>alert(4)</script>"
    first["request"]["prompt"] = "prompt <svg onload=alert(5)>"
    path.write_text(json.dumps(state, indent=2))
    suite_dir = summarize(suite_copy)

    page.goto((suite_dir / "report" / "runs" / f"{run_slug(target.name)}.html").as_uri())
    card = page.locator(".instance").first
    card.wait_for()
    card.locator(".instance-head").click()
    card.locator("details.prompt-box summary").click()
    assert card.locator("pre.completion").inner_text() == XSS
    assert card.locator("pre.input").inner_text() == "question <img src=y onerror=alert(3)>"
    assert card.locator("ul.refs li").first.inner_text().startswith("</pre><script>alert(4)</script>")
    assert card.locator("pre.prompt").inner_text() == "prompt <svg onload=alert(5)>"
    assert page.locator(".instance-list img, .instance-list script, .instance-list svg").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.problems == []


def test_instance_browser_pages_through_a_large_run(make_suite, page):
    out = make_suite("big", ["mmlu:subject=philosophy,model=simple/model1"], max_eval=130)
    suite_dir = summarize(out, "big")
    directory = run_dir(out, "philosophy", suite="big")
    ids = [i["id"] for i in json.loads((directory / "instances.json").read_text())]
    assert len(ids) == 130
    page.goto((suite_dir / "report" / "runs" / f"{run_slug(directory.name)}.html").as_uri())
    page.locator(".instance").first.wait_for()
    assert page.locator(".page-label").inner_text() == "Page 1 of 6 (130 instances)"
    assert page.locator(".instance .iid").all_inner_texts() == ids[:25]
    for _ in range(4):
        page.get_by_role("button", name="Next ›").click()
    assert page.locator(".page-label").inner_text().startswith("Page 5 of 6")
    page.locator(".instance").first.wait_for()
    assert page.locator(".instance .iid").all_inner_texts() == ids[100:125]  # second data file
    page.locator("input.goto").fill(ids[57])
    page.locator("input.goto").press("Enter")
    target = page.locator(".instance.target")
    target.wait_for()
    assert target.locator(".iid").inner_text() == ids[57]
    assert target.locator(".instance-body").is_visible()
    assert page.locator(".page-label").inner_text().startswith("Page 3 of 6")
    assert page.problems == []
