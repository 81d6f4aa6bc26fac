"""The fields of a claim are listed once, as the claims CSV columns (``claims.COLUMNS``)."""

from __future__ import annotations

import inspect

from floorwatch import claims
from floorwatch.web.models import ClaimIn
from floorwatch.web.writes import CLAIM_FORM_FIELDS


def test_the_claim_fields_are_the_csv_columns_everywhere():
    """The add-a-claim API body, the web form and add_claim's keywords take exactly the CSV
    columns but the id (derived by the ledger)."""
    fields = set(claims.COLUMNS) - {"id"}
    assert set(ClaimIn.model_fields) == fields
    assert set(CLAIM_FORM_FIELDS) == fields
    keywords = set(inspect.signature(claims.add_claim).parameters) - {"store"}
    assert keywords - fields == {"claim_id", "window_days"}
    assert fields <= keywords
