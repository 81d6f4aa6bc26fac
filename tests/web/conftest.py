"""Fixtures of the web tests: a store file of Voteview Senate 107 with two claims.

The session-wide ``s107_store`` keeps a read-write connection open, and DuckDB refuses a
read-only connection to a file this process already has open read-write, so the dashboard
tests build their own file and close it before serving it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import floorwatch
from realdata import vv_senate

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 120_000  # the first page at a new as-of date computes the monthly panels


def build_web_store(path: Path, shared: Path) -> Path:
    """Ingest S107 and record two claims (one that came true, one that did not); close."""
    store = floorwatch.open(path)
    try:
        floorwatch.ingest_voteview(store, *vv_senate(107))
        try:
            from floorwatch import claims
        except ImportError:  # pragma: no cover - the claims layer is part of the package
            return path
        claims.add_claim(
            store,
            made_on="2001-05-22",
            about="bioguide-J000072",
            predicts="leaves",
            organization="us-party-200",
            wording="likely",
            outlet="Example Wire",
            speaker="a reporter",
            source_kind="journalist",
        )
        claims.add_claim(
            store,
            made_on="2001-05-23",
            about="bioguide-C001040",
            predicts="leaves",
            organization="us-party-200",
            wording="possible",
            outlet="Example Wire",
            speaker="a reporter",
            source_kind="journalist",
        )
        claims.resolve_claims(store)
    finally:
        store.close()
    return path


@pytest.fixture(scope="session")
def web_store_path(tmp_path_factory, real_data) -> Path:
    """A closed store file for read-only serving (tests must not write to it)."""
    return build_web_store(tmp_path_factory.mktemp("web") / "s107.duckdb", real_data)


@pytest.fixture
def writable_store_path(tmp_path, real_data) -> Path:
    """A fresh store file that a test may write claims into."""
    return build_web_store(tmp_path / "s107w.duckdb", real_data)


@pytest.fixture(scope="session")
def s107_csv(real_data):
    """The raw S107 Voteview tables, read with pandas straight from the CSV files."""
    import pandas as pd

    return {
        "members": pd.read_csv(vv_senate(107)[0]),
        "rollcalls": pd.read_csv(vv_senate(107)[1]),
        "votes": pd.read_csv(vv_senate(107)[2]),
    }


@pytest.fixture(scope="session")
def ro_client(web_store_path):
    """A TestClient over a read-only dashboard (no token)."""
    from fastapi.testclient import TestClient

    from floorwatch.web import create_app

    with TestClient(create_app(web_store_path)) as client:
        yield client


@pytest.fixture(scope="session")
def store_builder():
    """:func:`build_web_store`, for tests that need their own store file."""
    return build_web_store


@contextlib.contextmanager
def serving(path: Path, *args: str) -> Iterator[str]:
    """Run the real ``floorwatch --db PATH serve`` on a free local port; yield its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    src = str(Path(floorwatch.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "floorwatch", "--db", str(path), "serve"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), *args]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            proc.kill()
            pytest.fail(f"`floorwatch serve` did not start: {out[-2000:]}")
        time.sleep(0.1)
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()


@pytest.fixture(scope="session")
def serve():
    """:func:`serving`, for tests that start the dashboard on a store of their own."""
    return serving


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: install the Debian packages "
            "`chromium` and `chromium-driver` (apt-get install chromium chromium-driver)."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is not installed: pip install playwright")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    yield pg
    context.close()
