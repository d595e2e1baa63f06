"""normalise_item and the whole item chain: values filled where the source supports them, explained, never raising."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.normalise import NORMALISER_VERSION
from models.normalise.offer import normalise_item
from scrapers.parsers import dtu, futurelearn
from scrapers.processing import RejectItem, process

PROV = {"fetched_at": datetime(2026, 1, 1, tzinfo=UTC), "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}


def item(**kw):
    return {"source": "s", "source_id": "1", "title": "A course", "provenance": dict(PROV), **kw}


def rules(offer, field=None):
    return {e.rule for e in offer.explanations if field is None or e.field == field}


def test_hours_per_week_and_weeks_give_hours_and_estimated_ects_with_the_rule():
    offer = process(item(workload_raw="4-6 hours per week", duration_raw="5 weeks"))
    assert (offer.workload_hours_min, offer.workload_hours_max) == (20, 30)
    assert offer.duration_weeks == 5
    assert offer.ects == 0.9 and offer.ects_flag == "estimated"
    why = next(e for e in offer.explanations if e.field == "ects")
    assert why.rule == "ects.estimated_from_hours" and why.raw_field == "workload_raw"
    assert why.raw_value == "4-6 hours per week" and "25-30 h per ECTS" in why.note
    assert offer.normaliser_version == NORMALISER_VERSION


def test_given_ects_are_kept_and_give_the_workload():
    offer = process(item(ects="7,5"))
    assert offer.ects == 7.5 and offer.ects_flag == "given"
    assert (offer.workload_hours_min, offer.workload_hours_max) == (187.5, 225)
    assert "workload.from_ects" in rules(offer, "workload_hours_min")


def test_ects_stated_in_the_workload_text_are_given():
    offer = process(item(workload_raw="5 ECTS, about 125 hours"))
    assert offer.ects == 5 and offer.ects_flag == "given"
    assert offer.workload_hours_min == 125


def test_eqf_given_inferred_or_empty():
    assert process(item(eqf_level="EQF 6")).eqf_flag == "given"
    inferred = process(item(level_raw="Master's level"))
    assert (inferred.eqf_level, inferred.eqf_flag) == (7, "inferred")
    difficulty = process(item(level_raw="Introductory"))
    assert difficulty.eqf_level is None and "eqf.not_inferred" in rules(difficulty, "eqf_level")
    micromasters = process(item(certificate_type="MicroMasters program certificate"))
    assert (micromasters.eqf_level, micromasters.eqf_flag) == (7, "inferred")


def test_languages_country_participation_subjects_price():
    offer = process(
        item(
            languages=["da-DK", "English", "??"],
            country="Danmark",
            participation_raw="Hybrid",
            subjects=["Tech & Coding"],
            price_raw="DKK 1.500",
            title_lang="en-GB",
            titles={"da-DK": "Et kursus", "en-GB": "A course"},
        )
    )
    assert offer.languages == ["da", "en"] and offer.title_lang == "en" and set(offer.titles) == {"da", "en"}
    assert "languages.unknown" in rules(offer, "languages")
    assert offer.country == "DK" and offer.participation_form == "blended"
    assert offer.isced_broad == ["06"]
    assert (offer.price_amount, offer.price_currency) == (1500, "DKK")
    assert offer.price_eur and offer.fx_date is not None
    assert "price.to_eur" in rules(offer, "price_eur")


def test_country_from_the_providers_domain_is_explained():
    offer = process(item(provider_url="https://www.ku.dk"))
    assert offer.country == "DK" and "country.from_provider_domain" in rules(offer, "country")


def test_outcomes_are_split_deduplicated_and_language_detected():
    text = (
        "<ul><li>Explain the principles of thermodynamics</li><li>Explain the principles of thermodynamics.</li>"
        "<li>Forklare termodynamikkens grundlæggende principper</li></ul>"
    )
    offer = process(item(learning_outcomes=[{"text": text}, "Apply the first law to closed systems"]))
    texts = [o.text for o in offer.learning_outcomes]
    assert texts == [
        "Explain the principles of thermodynamics",
        "Forklare termodynamikkens grundlæggende principper",
        "Apply the first law to closed systems",
    ]
    assert [o.lang for o in offer.learning_outcomes] == ["en", "da", "en"]
    assert "outcomes.split_dedup_lang" in rules(offer, "learning_outcomes")


# ---- bad input: rejected or kept as raw with a reason, never an exception ------------------------------------


def test_zero_hours_and_999_weeks_are_kept_as_raw_with_a_reason():
    offer = process(item(workload_raw="0 hours", duration_raw="999 weeks"))
    assert offer.workload_hours_min is None and offer.workload_raw == "0 hours"
    assert offer.duration_weeks is None and offer.duration_raw == "999 weeks"
    notes = {e.rule: e.note for e in offer.explanations}
    assert "not a workload" in notes["workload.unparsed"]
    assert "plausible maximum" in notes["duration.unparsed"]
    assert offer.ects is None


@pytest.mark.parametrize(
    ("kw", "rule"),
    [
        ({"price_raw": "-49 EUR"}, "price.rejected"),
        ({"price_amount": -5, "price_currency": "EUR"}, "price.rejected"),
        ({"price_raw": "49 XYZ"}, "price.unparsed"),
        ({"price_amount": 10, "price_currency": "XYZ"}, "price.unknown_currency"),
    ],
)
def test_bad_prices_stay_raw(kw, rule):
    offer = process(item(**kw))
    assert offer.price_amount is None and offer.price_eur is None
    assert rule in rules(offer)
    assert offer.price_raw is not None or "price_raw" not in kw


def test_dates_in_the_wrong_order_drop_the_end_date_with_a_reason():
    offer = process(item(runs=[{"start_date": "2025-03-01", "end_date": "01.02.2025"}, {"start_date": "2124-01-01"}]))
    assert offer.runs[0].start_date.isoformat() == "2025-03-01" and offer.runs[0].end_date is None
    assert offer.runs[1].start_date is None
    assert {"dates.end_before_start", "dates.unparsed"} <= rules(offer)


def test_a_5000_word_outcome_paragraph_is_kept_as_raw():
    blob = " ".join(["word"] * 5000)
    offer = process(item(learning_outcomes=[{"text": blob}, {"text": "Explain the basics"}]))
    assert [o.text for o in offer.learning_outcomes] == ["Explain the basics"]
    assert offer.extras["learning_outcomes_raw"][0] == blob
    assert "outcomes.rejected" in rules(offer, "learning_outcomes")


def test_html_and_script_in_text_fields_become_plain_text():
    offer = process(
        item(
            title="<b>Data</b> science<script>alert(1)</script>",
            description="<p>Learn <i>data</i>.</p><script>steal()</script><style>p{}</style>",
            provider="<span>Uni</span>",
            learning_outcomes=["<em>Use</em> pandas<script>x()</script>"],
        )
    )
    assert offer.title == "Data science" and offer.provider == "Uni"
    assert offer.description == "Learn data." and offer.learning_outcomes[0].text == "Use pandas"


def test_escaped_markup_is_removed_too():
    offer = process(item(description="&lt;script&gt;alert(1)&lt;/script&gt;Plain"))
    assert offer.description == "Plain"


@pytest.mark.parametrize(
    "bad",
    [
        {"languages": "English"},
        {"languages": [None, 5]},
        {"subjects": "History"},
        {"runs": ["not a run"]},
        {"ects": {"x": 1}},
        {"eqf_level": [6]},
        {"workload_raw": 42},
        {"price_amount": "lots"},
        {"country": 7},
        {"learning_outcomes": [None, 3, {"text": None}]},
        {"duration_weeks": "many"},
        {"explanations": "junk"},
    ],
)
def test_odd_types_never_raise_out_of_normalise_item(bad):
    out = normalise_item(item(**bad))
    assert isinstance(out["explanations"], list) and out["normaliser_version"] == NORMALISER_VERSION


def test_a_failing_rule_is_recorded_and_the_rest_still_run(monkeypatch):
    from models.normalise import offer as module

    def boom(item, ex, ctx):
        raise RuntimeError("rule bug")

    monkeypatch.setattr(module, "RULES", (("eqf", boom), *[r for r in module.RULES if r[0] != "eqf"]))
    out = module.normalise_item(item(eqf_level=6, languages=["en-GB"]))
    assert out["languages"] == ["en"]
    assert any(e["rule"] == "eqf.error" and "rule bug" in e["note"] for e in out["explanations"])


def test_truly_invalid_records_are_rejected_by_the_chain():
    with pytest.raises(RejectItem):
        process(item(title=""))


# ---- real sources ------------------------------------------------------------------------------------------------


def offers_from(page, source):
    out = []
    for it in page.items:
        it["source"], it["provenance"] = source, dict(PROV)
        out.append(process(it))
    return out


def test_dtu_courses_are_normalised(corpus: Path):
    offers = [
        o
        for p in sorted((corpus / "dtu").glob("*.xml"))[:12]
        for o in offers_from(dtu.parse(p.read_bytes(), "u"), "dtu")
    ]
    for offer in offers:
        assert offer.ects_flag == "given" and offer.workload_hours_min == offer.ects * 25
        assert offer.eqf_flag == "inferred" and 6 <= offer.eqf_level <= 8
        assert offer.country == "DK" and offer.participation_form == "on-site"
        assert offer.languages and all(len(code) == 2 for code in offer.languages)
        assert offer.assessment and offer.quality_assurance
        assert all(o.lang in ("da", "en") for o in offer.learning_outcomes)


def test_futurelearn_feed_is_normalised(corpus: Path):
    page = futurelearn.parse((corpus / "futurelearn" / "feeds_courses.json").read_bytes(), "u")
    page.items = page.items[:80]
    offers = offers_from(page, "futurelearn")
    with_hours = [o for o in offers if o.workload_hours_min]
    assert len(with_hours) >= 70
    assert all(o.ects_flag == "estimated" for o in with_hours)
    assert sum(1 for o in offers if o.isced_broad) >= 70
    assert sum(1 for o in offers if o.country) >= 50
    assert all(o.languages == ["en"] and o.participation_form == "online" for o in offers)
