"""Issue #13, class 8 (outcomes): rhetorical questions are never learning outcomes, a cue inside one introduces
nothing, and the texts that do state outcomes are read: a cued heading followed by prose, and fields that are outcome
fields ("you will learn to ...", objectives lists)."""

from __future__ import annotations

import pytest

from models.normalise.outcomes import extract_outcomes

LIST = "<ul><li>Explain data pipelines</li><li>Apply models to cities</li></ul>"


def test_questions_in_a_cued_list_are_not_outcomes() -> None:
    text = "<h2>What will you achieve?</h2><ul><li>Explain data pipelines</li><li>Ever thought about rain?</li></ul>"
    assert extract_outcomes(text) == ["Explain data pipelines"]
    questions = (
        "<p>In this course you will learn, asking questions such as:</p><ul><li>Who was she?</li><li>Why?</li></ul>"
    )
    assert extract_outcomes(questions) == []
    assert extract_outcomes("What you'll learn:\n- load data\n- Is it raining?") == ["load data"]


@pytest.mark.parametrize(
    "lead",
    [
        "<p>Have you ever thought about what you'll learn as a data scientist?</p>",
        "<h3>Do you want to know what you will be able to do?</h3>",
        "<p>Ever wondered what you'll learn in a data job?</p>",
    ],
)
def test_a_cue_inside_a_rhetorical_question_introduces_nothing(lead: str) -> None:
    assert extract_outcomes(lead + LIST) == []


@pytest.mark.parametrize("cue", ["What will you achieve?", "What will I learn?", "Was lerne ich in diesem Kurs?"])
def test_question_headings_that_announce_outcomes_are_still_cues(cue: str) -> None:
    from models.normalise.outcomes import is_cue

    assert is_cue(cue)
    assert extract_outcomes(f"<h3>{cue}</h3>{LIST}") == ["Explain data pipelines", "Apply models to cities"]


def test_prose_under_a_cued_heading_is_read_when_no_list_follows() -> None:
    html = (
        "<h4><strong>What you'll learn</strong></h4><p>You will read climate data and judge its uncertainty.</p>"
        "<h4>Requirements</h4><p>None.</p>"
    )
    assert extract_outcomes(html) == ["You will read climate data and judge its uncertainty"]
    assert extract_outcomes("### Learning outcomes\n\nYou will plan a small survey.\n\n### Fees\nFree.") == [
        "You will plan a small survey"
    ]
    # a lead-in followed by the list gives the list, not the lead-in
    lead_in = "<h2>Learning outcomes</h2><p>On completion you will be able to:</p>" + LIST
    assert extract_outcomes(lead_in) == ["Explain data pipelines", "Apply models to cities"]
    assert extract_outcomes("<h2>About</h2><p>You will read climate data.</p>") == []  # no cue, nothing


def test_an_outcome_field_gives_its_items_or_its_outcome_sentences() -> None:
    from models.normalise.outcomes import outcome_statements

    assert outcome_statements("<ul><li>Model a bridge</li><li>Why bridges?</li></ul>") == ["Model a bridge"]
    assert outcome_statements("- Model a bridge\n- Test a beam") == ["Model a bridge", "Test a beam"]
    prose = (
        "You'll learn to model loads on a bridge. The course has five units. "
        "At the end we will give you a data set, and you'll explore it.\n\n"
        "###Project\nStudents will be able to size a steel beam."
    )
    assert outcome_statements(prose) == [
        "You'll learn to model loads on a bridge",
        "Students will be able to size a steel beam",
    ]
    assert outcome_statements("outcome") == [] and outcome_statements(None) == []
