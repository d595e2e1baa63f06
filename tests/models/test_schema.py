import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from models.docs import field_reference
from models.offer import Offer, offer_json_schema
from tests.conftest import REPO

PROV = {"fetched_at": datetime(2026, 1, 1, tzinfo=UTC), "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}


def offer(**kw):
    return Offer.model_validate({"source": "s", "source_id": "1", "title": "T", "provenance": PROV, **kw})


def test_committed_json_schema_and_field_reference_are_current():
    committed = json.loads((REPO / "models" / "offer.schema.json").read_text())
    assert committed == json.loads(json.dumps(offer_json_schema())), "run `mcatlas schema` and commit the result"
    assert (REPO / "docs" / "schema.md").read_text() == field_reference()


def test_every_offer_field_is_documented():
    missing = [name for name, info in Offer.model_fields.items() if not info.description]
    assert missing == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("eqf_level", 9, "less than or equal to 8"),
        ("languages", ["english"], "ISO 639-1"),
        ("country", "Denmark", "ISO 3166-1"),
        ("price_currency", "euro", "ISO 4217"),
        ("description", "<script>alert(1)</script>", "script"),
    ],
)
def test_invalid_values_are_rejected_with_a_reason(field, value, message):
    extra = {"eqf_flag": "given"} if field == "eqf_level" else {}
    with pytest.raises(ValidationError, match=message):
        offer(**{field: value}, **extra)


def test_flags_travel_with_their_values():
    with pytest.raises(ValidationError, match="ects and ects_flag"):
        offer(ects=5)
    assert offer(ects=5, ects_flag="estimated").ects_flag == "estimated"


def test_runs_must_not_end_before_they_start():
    with pytest.raises(ValidationError, match="before it starts"):
        offer(runs=[{"start_date": "2026-03-01", "end_date": "2026-02-01"}])


def test_readme_source_table_is_generated_from_the_registry():
    from pipelines.cli import readme_with_sources
    from scrapers.registry import markdown_table

    readme = (REPO / "README.md").read_text()
    assert readme_with_sources(readme, markdown_table()) == readme, "run `mcatlas sources --update-readme`"
