"""Issue #13, class 8 (parsers): proctored-exam entries, exam-only entries, placeholders and test records are no
offers: each becomes a `not_an_offer: <why>` reject, while real titles that merely contain such words stay offers."""

from __future__ import annotations

import pytest

from scrapers.parsers import futurelearn, mit
from tests.scrapers.conftest import FIXTURES

PLATFORMS = FIXTURES / "platforms"


@pytest.mark.parametrize(
    ("title", "why"),
    [
        ("14.310x - PROCTORED EXAM", "proctored exam entry"),
        ("Proctored Exam", "proctored exam entry"),
        ("Exam (proctored) for DEP.1x", "proctored exam entry"),
        ("Microeconomics: Final Exam", "exam-only entry"),
        ("test course", "placeholder or test entry"),
        ("Test Course 3", "placeholder or test entry"),
        ("DELETE", "placeholder or test entry"),
        ("[DELETE] Old Physics", "placeholder or test entry"),
        ("Dateless Course, ignore me", "placeholder or test entry"),
        ("Demo Course", "placeholder or test entry"),
        ("TBD", "placeholder or test entry"),
        ("---", "placeholder or test entry"),
        ("Lorem ipsum dolor sit amet", "placeholder or test entry"),
    ],
)
def test_pseudo_entries_are_named(title: str, why: str) -> None:
    from scrapers.parsers.common import not_an_offer

    assert not_an_offer({"title": title}) == why


@pytest.mark.parametrize(
    "title",
    [
        "Software Testing",
        "Test Automation with Python",
        "Exam Preparation for IELTS",
        "Preparing for the Final Exam in Calculus",
        "Statistics for Testing Hypotheses",
        "Delete Your Data: Privacy in Practice",
        "Sample Surveys",
        "Examining Ethics",
    ],
)
def test_real_titles_with_those_words_are_offers(title: str) -> None:
    from scrapers.parsers.common import not_an_offer

    assert not_an_offer({"title": title}) is None
    assert not_an_offer({"title": None}) is None  # a missing title is the chain's reject, not this one


def test_mitxonline_page_sets_pseudo_courses_aside_with_reasons(offers_of):
    page = mit.parse((PLATFORMS / "mitxonline_pseudo.json").read_bytes(), "https://mitxonline.mit.edu/api/courses/")
    offers, rejects = offers_of(page, "mitxonline")
    assert [o.title for o in offers] == ["Thermodynamics Refresher", "Statistics for Testing Hypotheses"]
    assert rejects == []
    assert [(r.source_id, r.reason) for r in page.rejects] == [
        ("course-v1:MITxT+TH.PEx", "not_an_offer: proctored exam entry"),
        ("course-v1:MITxT+TEST1", "not_an_offer: placeholder or test entry"),
        ("course-v1:MITxT+OLD9", "not_an_offer: placeholder or test entry"),
    ]


def test_futurelearn_placeholder_course_is_rejected(offers_of):
    page = futurelearn.parse((PLATFORMS / "futurelearn_mixed.json").read_bytes(), "https://www.futurelearn.com/feeds")
    assert [(r.source_id, r.reason) for r in page.rejects] == [
        ("cc000000-0000-4000-8000-000000000009", "not_an_offer: placeholder or test entry")
    ]
    offers, _ = offers_of(page, "futurelearn")
    soil = offers[0]
    # the cued list keeps its statement; the rhetorical question in it is not an outcome
    assert [o.text for o in soil.learning_outcomes] == ["Assess soil structure in the field"]
