"""Other names on the dashboard: an Urdu name shown with lang/dir markup, in the shipped font.

Real headless Chromium (Debian ``chromium``, driven by Playwright as in test_browser.py) over
``floorwatch serve`` on a cut of EveryPolitician's Pakistan National Assembly file
(tests/data/names). The page must not depend on a system Arabic-script font: the dashboard
ships Noto Naskh Arabic (OFL) and the browser must load it.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import floorwatch
from floorwatch.ingest import ingest_popolo

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
AHSAN = "8d21c5b2-2b4f-4843-a0ed-bd4315a2c900"
URDU = "احسن اقبال"
FONT = "Noto Naskh Arabic floorwatch"


@pytest.fixture(scope="module")
def server(tmp_path_factory, test_data, serve):
    path = tmp_path_factory.mktemp("names-web") / "pk.duckdb"
    with floorwatch.open(path) as store:
        ingest_popolo(store, test_data / "names" / "pakistan-names.json")
    with serve(path) as base:
        yield base


def test_font_is_served_with_its_license(server):
    font = httpx.get(server + "/static/NotoNaskhArabic-Regular.woff2")
    assert font.status_code == 200 and font.content[:4] == b"wOF2"
    assert "font-src 'self'" in font.headers["content-security-policy"]
    ofl = httpx.get(server + "/static/NotoNaskhArabic-OFL.txt")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl.text


@pytest.fixture(scope="module")
def page():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page()
        pg.set_default_timeout(60_000)
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.console_errors = errors
        yield pg
        browser.close()


def _urdu_span(pg):
    span = pg.locator("span.other-name", has_text=URDU).first
    assert span.get_attribute("dir") == "rtl"
    assert span.get_attribute("lang") in ("ur", "pnb")
    return span


def test_member_page_shows_the_urdu_name(server, page):
    page.goto(f"{server}/member/{AHSAN}")
    assert page.locator("h1").inner_text() == "Ahsan Iqbal"
    span = _urdu_span(page)
    assert page.evaluate("(el) => getComputedStyle(el).direction", span.element_handle()) == "rtl"
    family = page.evaluate("(el) => getComputedStyle(el).fontFamily", span.element_handle())
    assert FONT in family
    loaded = page.evaluate(
        """async (font) => { await document.fonts.ready;
            return [...document.fonts].filter(f => f.family.replace(/"/g, '') === font)
                .map(f => f.status); }""",
        FONT,
    )
    assert loaded == ["loaded"], loaded
    assert page.evaluate(f"document.fonts.check('16px \"{FONT}\"', '{URDU}')")
    assert page.console_errors == []


def test_members_list_shows_other_scripts_only(server, page):
    page.goto(f"{server}/members")
    row = page.locator("tr", has=page.locator(f'a[href*="{AHSAN}"]')).first
    names = row.locator("span.other-name")
    texts = [names.nth(i).inner_text() for i in range(names.count())]
    assert URDU in [t.strip() for t in texts]
    # the Urdu name right-to-left, a Cyrillic one (also another script) left-to-right
    for i in range(names.count()):
        arabic = any("\u0600" <= ch <= "\u06ff" for ch in texts[i])
        assert names.nth(i).get_attribute("dir") == ("rtl" if arabic else "ltr"), texts[i]
    assert "Ahsan Iqbal" not in texts  # the main name's own script is not repeated
    assert page.console_errors == []
