"""The party watch page and a party-body page in real headless Chromium, served by
``floorwatch serve --config`` over the party-watch store (the real Pakistan Popolo file plus the
invented register of fictional people, ``tests/data/partywatch/SOURCE.md``).

The settings file makes the red list one member long (``red_count = 1``): the page must show
the same list as ``floorwatch flags --party PTI --config`` for the same file.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from floorwatch.cli import main

AS_OF = "2017-02-28"
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("watchcfg") / "risk.toml"
    path.write_text("red_count = 1\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cli_levels(partywatch_db, config) -> dict[str, str]:
    import contextlib
    import io

    out = io.StringIO()
    args = ["--db", str(partywatch_db), "flags", "--party", "PTI", "--as-of", AS_OF]
    with contextlib.redirect_stdout(out):
        assert main([*args, "--config", str(config), "-f", "json"]) == 0
    return {r["person_id"]: r["level"] for r in json.loads(out.getvalue())}


@pytest.fixture(scope="module")
def server(partywatch_db, config, serve):
    with serve(partywatch_db, "--config", str(config)) as base:
        yield base


def test_serve_config_gives_the_cli_list(server, cli_levels):
    data = httpx.get(f"{server}/watch/pti.json?as_of={AS_OF}", timeout=120).json()
    shown = {r["person_id"]: r["level"] for r in data["flags"]["data"]}
    listed = {p: lv for p, lv in cli_levels.items() if lv in ("red", "amber")}
    assert shown == listed
    assert [p for p, lv in shown.items() if lv == "red"] == ["fic-na-01"]  # red_count = 1
    assert {r["person_id"] for r in data["left"]} == {
        p for p, lv in cli_levels.items() if lv == "left"
    }


def test_watch_page_and_body_page_in_chromium(server, page):
    page.goto(f"{server}/watch/pti?as_of={AS_OF}")
    rows = page.locator("tr.watch-row")
    assert rows.count() == 3
    first = rows.nth(0)
    assert "Danish Rafiq (fictional)" in first.inner_text()
    assert first.locator(".level-red").count() == 1
    missed = first.locator(".missed").all_inner_texts()
    assert missed and all("(" in m for m in missed)  # each missed event names its body
    assert "PTI Core Committee (fictional register)" in " ".join(missed)
    left = page.locator("ul.left").inner_text()
    assert "Tariq Aziz (fictional): left on 2017-01-20 (expelled)" in left
    assert page.locator("table.meetings tr.meeting").count() == 13
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "party-watch.png"), full_page=True)
    page.locator("h3 a", has_text="PTI Core Committee").click()
    page.wait_for_url("**/body/pti-core**")
    meetings = page.locator("tr.meeting")
    assert meetings.count() == 13
    latest = meetings.nth(0).inner_text()
    assert "2017-02-25" in latest and "Danish Rafiq (fictional)" in latest
    assert "Tariq Aziz (fictional)" in page.locator("ul.body-members").inner_text()
    page.screenshot(path=str(SHOTS / "party-body.png"), full_page=True)
    assert not page.console_errors, page.console_errors


def test_check_page_lists_the_quality_report(server, page, partywatch_db):
    import floorwatch
    from floorwatch.quality import check

    store = floorwatch.open(partywatch_db, read_only=True)
    expected = check(store)
    store.close()
    assert len(expected)  # the real file's by-election seats held twice, at least
    data = httpx.get(f"{server}/check.json", timeout=120).json()
    assert [p["detail"] for p in data["problems"]] == list(expected.detail)
    page.goto(f"{server}/check")
    assert page.locator("tr.problem").count() == len(expected)
    assert "Abdul Hakeem Baloch" in page.locator("table.problems").inner_text()
    assert not page.console_errors, page.console_errors
