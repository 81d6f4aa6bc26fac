"""End-to-end tests in real headless Chromium (Debian ``chromium``), driven by Playwright.

The server is the real command, ``floorwatch --db STORE serve --port P --token T``, started
as a subprocess on 127.0.0.1 over a store of Voteview Senate 107 with two claims. Every test
saves a screenshot to ``tests/screenshots/``. The browser console must stay free of errors:
a Content-Security-Policy violation (an inline script or style) would show there.

Chromium must be installed (``apt-get install chromium chromium-driver``; CI does). Without it
these tests fail with that message rather than pass silently. ``playwright install`` is not
needed: the system browser is used.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
TOKEN = "browser-token-0123456789"
JEFFORDS = "bioguide-J000072"
BEFORE = "2001-05-20"


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_data, store_builder, serve):
    path = store_builder(tmp_path_factory.mktemp("browser") / "s107.duckdb", real_data)
    with serve(path, "--token", TOKEN) as base:
        yield base


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _charts_drawn(pg, minimum: int) -> int:
    """Number of charts with marks; every chart must have some."""
    charts = pg.locator("svg.chart")
    n = charts.count()
    assert n >= minimum, f"expected at least {minimum} charts, found {n}"
    for i in range(n):
        svg = charts.nth(i)
        marks = svg.locator("path, circle, rect, polygon").count()
        empty = "No " in (svg.text_content() or "")
        assert marks > 0 or empty, f"chart {i} has no marks"
        box = svg.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    return n


PAGES = [
    ("overview", f"/?as_of={BEFORE}", "Overview", 2),
    ("members", "/members", "Members", 0),
    ("member", f"/member/{JEFFORDS}?as_of={BEFORE}", "JEFFORDS", 6),
    ("party", f"/party/us-party-200?as_of={BEFORE}", "Republican Party", 2),
    ("switches", "/switches", "Party switches", 0),
    ("claims", "/claims", "Claims ledger", 1),
    ("definitions", "/definitions", "Definitions", 0),
]


@pytest.mark.parametrize(("name", "path", "heading", "charts"), PAGES)
def test_every_page_renders_with_real_data(server, page, name, path, heading, charts):
    response = page.goto(server + path)
    assert response.status == 200
    assert heading in page.locator("h1").inner_text()
    _charts_drawn(page, charts)
    _shot(page, f"page-{name}")
    assert page.console_errors == []


def test_real_values_on_the_pages(server, page):
    page.goto(server + f"/?as_of={BEFORE}")
    row = page.locator("table.legislatures tbody tr").first
    assert "United States Senate" in row.inner_text()
    assert "D 50" in row.inner_text() and "R 50" in row.inner_text()
    page.goto(server + "/switches")
    assert "JEFFORDS" in page.locator("table.switches").inner_text()
    assert "2001-06-06" in page.locator("table.switches").inner_text()
    page.goto(server + f"/party/us-party-200?as_of={BEFORE}")
    assert page.locator("svg.chart-strip circle").count() == 100  # every senator placed


def test_red_list_to_member_and_back(server, page):
    page.goto(server + f"/?as_of={BEFORE}")
    red = page.locator("table.flags tr.row-red a.member-link")
    assert red.count() >= 1
    link = page.locator("table.flags a.member-link", has_text="JEFFORDS")
    link.click()
    page.wait_for_url(f"**/member/{JEFFORDS}?as_of={BEFORE}")
    assert "JEFFORDS" in page.locator("h1").inner_text()
    assert page.locator(".flag .level").first.inner_text() in ("red", "amber")
    _shot(page, "nav-member-from-red-list")
    page.go_back()
    page.wait_for_url(f"**/?as_of={BEFORE}")
    assert "Overview" in page.locator("h1").inner_text()
    # From the member list, to a member, and back with the page's own link.
    page.goto(server + "/members")
    page.locator("a.member-link", has_text="CHAFEE").first.click()
    assert "CHAFEE" in page.locator("h1").inner_text()
    page.locator("#back-members").click()
    page.wait_for_url("**/members")
    assert "Members" in page.locator("h1").inner_text()
    assert page.console_errors == []


def test_as_of_control_changes_what_is_shown(server, page):
    page.goto(server + f"/member/{JEFFORDS}")
    assert "Independent" in page.locator("a.current-party").inner_text()
    page.fill("#as_of", BEFORE)
    page.locator("form.asof button[type=submit]").click()
    page.wait_for_url(f"**/member/{JEFFORDS}?as_of={BEFORE}")
    assert page.locator("#as_of").input_value() == BEFORE
    assert "Republican Party" in page.locator("a.current-party").inner_text()
    _shot(page, "as-of-member-before-switch")
    # The as-of date follows navigation.
    page.locator("nav a", has_text="Switches").click()
    page.wait_for_url(f"**/switches?as_of={BEFORE}")
    assert "No party switch" in page.locator("main").inner_text()
    # A bad date in the address is a clear 400 page.
    response = page.goto(server + "/?as_of=2001-02-30")
    assert response.status == 400
    assert "YYYY-MM-DD" in page.locator("main").inner_text()
    _shot(page, "bad-date-400")
    response = page.goto(server + "/member/nobody")
    assert response.status == 404


def test_write_needs_the_token(server, page):
    page.goto(server + "/claims")
    before = page.locator("table.claims tbody tr").count()
    form = page.locator("#add-claim")

    def fill(token: str | None) -> None:
        form.locator("input[name=made_on]").fill("2001-06-01")
        form.locator("input[name=about]").fill("bioguide-S000663")
        form.locator("select[name=predicts]").select_option("leaves")
        form.locator("input[name=organization]").fill("us-party-200")
        form.locator("input[name=outlet]").fill("Browser Gazette")
        if token is not None:
            form.locator("input[name=token]").fill(token)

    fill(None)
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        form.locator("button[type=submit]").click()
    assert info.value.status == 401
    assert "Token required" in page.locator("h1").inner_text()
    _shot(page, "write-refused")
    page.console_errors.clear()  # the browser logs the expected 401
    assert httpx.post(server + "/api/claims", json={"made_on": "2001-06-01"}).status_code == 401

    page.goto(server + "/claims")
    form = page.locator("#add-claim")
    fill(TOKEN)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/claims#claim-*")
    rows = page.locator("table.claims tbody tr")
    assert rows.count() == before + 1
    assert "Browser Gazette" in page.locator("table.claims").inner_text()
    _shot(page, "write-accepted")
    assert page.console_errors == []
