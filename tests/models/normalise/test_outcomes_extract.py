"""extract_outcomes: only lists introduced by an outcome cue, in HTML or plain text; the cheap pre-checks (no
list markup, no cue word) never hide a cued list."""

from __future__ import annotations

import pytest

from models.normalise.outcomes import extract_outcomes, has_cue

LIST = "<ul><li>Explain data pipelines</li><li>Apply <b>models</b> to cities</li></ul>"
WANT = ["Explain data pipelines", "Apply models to cities"]


@pytest.mark.parametrize(
    "cue",
    [
        "<h2>What will you achieve?</h2>",
        "<p>By the end of the course, you'll be able to:</p>",
        "<h3>What you&#39;ll learn</h3>",
        "<h3>LEARNING OUTCOMES</h3>",
        "<strong>Lernziele</strong>",
        "<p>L&aelig;ringsm&aring;l</p>",
        "<p>Objectifs pédagogiques</p>",
        "<h4>Participants will be able to</h4>",
        "<p>Upon successful completion of this course</p>",
    ],
)
def test_cued_lists_in_html(cue: str) -> None:
    assert extract_outcomes(f"<p>Intro text.</p>{cue}{LIST}<p>More.</p>") == WANT


def test_lists_without_a_cue_are_not_outcomes() -> None:
    assert extract_outcomes(f"<h2>Topics</h2>{LIST}") == []
    assert extract_outcomes(f"<p>Requirements</p>{LIST}<h2>Who is it for?</h2>") == []
    assert extract_outcomes("You will work through videos and articles.") == []
    assert extract_outcomes("") == [] and extract_outcomes(None) == []


def test_cue_of_a_wrapper_and_a_lead_in() -> None:
    assert extract_outcomes(f"<h2>Learning outcomes</h2><div><section>{LIST}</section></div>") == WANT
    assert extract_outcomes(f"<div>After completing this course you will be able to: {LIST}</div>") == WANT
    # a heading further back than two empty siblings does not introduce the list
    assert extract_outcomes(f"<h2>Learning outcomes</h2><p>Some other text.</p>{LIST}") == []


def test_script_text_is_no_cue_and_nested_lists_are_skipped() -> None:
    hidden = "<div><p>About</p><script>var t = 'learning outcomes';</script></div>"
    assert extract_outcomes(hidden + LIST) == []
    nested = "<h2>Learning outcomes</h2><ul><li>Explain data<ul><li>sub point</li></ul></li></ul>"
    assert extract_outcomes(nested) == ["Explain data sub point"]


def test_plain_text_bullets_after_a_cue() -> None:
    text = "Intro.\nWhat you'll learn:\n- load data\n- clean data\nOther text\n- not an outcome"
    assert extract_outcomes(text) == ["load data", "clean data"]
    assert extract_outcomes("Topics:\n- load data\n- clean data") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("what you'll learn", True),
        ("Students should be able to", True),
        ("key takeaways", True),
        ("Was lernen Sie?", True),
        ("you will gain", True),
        ("Learn about climate", False),
        ("gain weight again", False),
        ("at the end of the day", False),
    ],
)
def test_has_cue(text: str, found: bool) -> None:
    assert has_cue(text) is found
    assert has_cue("x" * 5000 + " " + text + " " + "y" * 5000) is found
