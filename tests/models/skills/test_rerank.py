"""The second stage: its design matrix, its weights file, the graded-outcome metrics, and its behaviour on the
full built-in ESCO (senses told apart by the offer's title, probabilities in [0, 1])."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.skills import rerank
from models.skills.evaluate import GradedOutcome, course_title, ndcg_at, outcome_metrics, read_outcomes
from tests.models.skills.conftest import SHARED


def test_design_has_similarities_their_gap_to_the_best_type_and_reuse():
    feats = {n: np.array([0.9, 0.5]) for n in rerank.WITHOUT_CONTEXT}
    x = rerank.design(feats, rerank.WITHOUT_CONTEXT, np.array([1.0, 0.0]), np.array([3, -1]))
    assert x.shape == (2, len(rerank.columns(rerank.WITHOUT_CONTEXT)))
    n = len(rerank.WITHOUT_CONTEXT)
    assert np.allclose(x[0, n : 2 * n], 0) and np.allclose(x[1, n : 2 * n], -0.4)
    assert x[0, 2 * n] == 1 and x[1, 2 * n] == 0
    assert x[0, -1] == 1 and x[1, -4:].sum() == 0  # transversal one-hot; no reuse level: all zero


def test_weights_for_other_columns_are_refused_in_one_line(tmp_path: Path):
    data = json.loads(rerank.RESOURCE.read_text())
    data["with_context"]["columns"] = data["with_context"]["columns"][:-1]
    bad = tmp_path / "rerank.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(rerank.RerankError) as err:
        rerank.load(bad)
    assert "\n" not in str(err.value) and "columns" in str(err.value)


def test_shipped_weights_are_probabilities_with_a_precision_threshold():
    r = rerank.load()
    assert 0 < r.accept < 1
    x = np.random.default_rng(0).normal(size=(50, len(rerank.columns(rerank.WITH_CONTEXT))))
    p = r.with_context.probability(x)
    assert ((p >= 0) & (p <= 1)).all()
    # the out-of-fold figures the threshold was chosen on meet the precision the issue asks, with margin
    oof = r.info["cross_source"]["with_context"]["all"]
    assert oof["accepted"] >= 20 and oof["accepted_precision"] >= 0.8


def test_graded_outcome_metrics_on_a_hand_example():
    item = GradedOutcome("x", "DTU 01 T", "t", {"a": 2, "b": 1, "c": 0}, False)
    assert ndcg_at(["a", "b"], item.grades) == pytest.approx(1.0)
    worse = ndcg_at(["c", "b", "a"], item.grades)
    assert worse is not None and 0 < worse < 1
    m = outcome_metrics([[("a", 0.9), ("z", 0.8), ("c", 0.2)]], [item], 0.5)
    assert m["accepted"] == 2 and m["accepted_precision"] == 0.5 and m["accepted_unjudged"] == 1
    assert m["unjudged@5"] == pytest.approx(0.2) and m["recall@10_grade2"] == 1.0


def test_course_titles_lose_provider_and_code():
    assert course_title("DTU 02405 Probability theory") == "Probability theory"
    assert course_title("FutureLearn Histology: Using Microscopy") == "Histology: Using Microscopy"
    assert course_title("Deep learning") == "Deep learning"


def test_extra_grades_add_to_but_never_override_the_originals(tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d1", "course": "C", "text": "t", "judgments": [{"uri": "u1", "grade": 2}]}))
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        json.dumps({"id": "d1", "uri": "u1", "grade": 0}) + "\n" + json.dumps({"id": "d1", "uri": "u2", "grade": 1})
    )
    (item,) = read_outcomes(gold, extra)
    assert item.grades == {"u1": 2, "u2": 1}


# ------------------------------------------------------------------------------ full built-in ESCO
@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory):
    """Both stages on the built-in release; the indexes come from (or go to) the per-user shared cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MCATLAS_DATA_DIR", str(tmp_path_factory.mktemp("rerank-data")))
    from models.skills import service

    m = service.matcher()
    yield m
    mp.undo()


def labels(m, text: str, title: str | None, k: int = 5):
    from models.skills.matcher import Context

    (ranked,) = m.rank([text], k, contexts=[Context(title=title) if title else None])
    assert all(0 <= x.score <= 1 for x in ranked)
    assert [x.score for x in ranked] == sorted((x.score for x in ranked), reverse=True)
    return ranked


def test_the_title_tells_the_sense_of_a_shared_word(full):
    text = "Apply FISH to detect chromosomal abnormalities"
    with_title = labels(full, text, "Cytogenetics")
    assert "fish" not in with_title[0].label.casefold()
    assert not [x for x in with_title if "fish" in x.label.casefold() and x.score >= rerank.load().accept]
    without = labels(full, text, None)
    assert "fish" in without[0].label.casefold()  # the word alone misleads: what the context is for


def test_a_stated_skill_is_ranked_high_and_accepted(full):
    accept = rerank.load().accept
    sql = labels(full, "Write SQL queries to extract data from a relational database", "Databases", 10)
    assert "SQL" in [x.label for x in sql[:3]]
    assert any("database" in x.label and x.score >= accept for x in sql)


def test_shipped_weights_are_reproduced_by_the_training_script(full):
    gold = SHARED / "skillbench-outcomes" / "outcomes_dev.gold.jsonl"
    if not gold.exists():
        pytest.skip("../shared/skillbench-outcomes is not present")
    from models.skills.train_rerank import main

    assert main([str(gold), "--check"]) == 0
