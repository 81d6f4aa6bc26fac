"""Schemathesis against the dashboard's OpenAPI (``/openapi.json``): generated requests to
every operation, read-only and with the write token, must give no 5xx and answers that match
the documented schema (status codes, content types, headers, bodies).

Two apps over one store (Voteview Senate 107 and the claims template, resolved): one
read-only, one with a token, whose bearer header the write calls send.
"""

from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

import floorwatch  # noqa: E402
from realdata import vv_senate  # noqa: E402

TOKEN = "reliability-scan-token"
#: Generated cases per operation and app: 50 in the test suite, 150 or more in ``./run fuzz``
#: (``$FLOORWATCH_API_EXAMPLES``).
EXAMPLES = int(os.environ.get("FLOORWATCH_API_EXAMPLES", "50"))


@pytest.fixture(scope="module")
def store_path(tmp_path_factory, real_data):
    from floorwatch import claims

    path = tmp_path_factory.mktemp("scan") / "store.duckdb"
    with floorwatch.open(path) as store:
        floorwatch.ingest_voteview(store, *vv_senate(107))
        claims.import_claims(store, claims.template_path())
        claims.resolve_claims(store)
    return path


@pytest.fixture(scope="module")
def read_only_api(store_path):
    from floorwatch.web import create_app

    return schemathesis.openapi.from_asgi("/openapi.json", create_app(store_path))


@pytest.fixture(scope="module")
def writable_api(store_path):
    from floorwatch.web import create_app

    return schemathesis.openapi.from_asgi("/openapi.json", create_app(store_path, token=TOKEN))


def _scan(api, headers: dict[str, str] | None = None) -> dict[str, int]:
    """Run EXAMPLES generated cases per operation; return the number of calls per operation."""
    calls: dict[str, int] = {}
    for result in api.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=(Phase.explicit, Phase.generate),
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            calls[case.operation.label] = calls.get(case.operation.label, 0) + 1
            # A claim has rules the schema cannot state (people named or a count, known ids,
            # deadline after made_on...): a schema-valid body may rightly get a 400.
            excluded = [positive_data_acceptance] if case.method == "POST" else []
            case.call_and_validate(headers=headers, excluded_checks=excluded)

        run()
    return calls


def test_read_only_dashboard_api(read_only_api):
    calls = _scan(read_only_api)
    assert "GET /index.json" in calls and "GET /member/{person_id}.json" in calls
    print(calls)


def test_dashboard_api_with_the_write_token(writable_api):
    calls = _scan(writable_api, {"Authorization": f"Bearer {TOKEN}"})
    assert any(label.startswith("POST") for label in calls)
    print(calls)
