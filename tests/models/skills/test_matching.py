import logging

import numpy as np
import pytest

from models.skills import index as index_mod
from models.skills.matcher import OutcomeError, check_text, chunks
from tests.models.skills.conftest import uri_of


def top_labels(matcher, text, k=5):
    return [m.label for m in matcher.rank([check_text(text)], k)[0]]


def test_best_label_per_skill_finds_skills_named_by_alternative_labels(matcher):
    assert top_labels(matcher, "Structured Query Language", 3)[0] == "SQL"
    assert "work in teams" in top_labels(matcher, "teamwork", 3)


def test_phrases_find_each_skill_a_long_outcome_names(matcher):
    labels = top_labels(matcher, "Write programs in Java, query databases with SQL and present results to a team", 8)
    assert "Java (computer programming)" in labels and "SQL" in labels


def test_scores_are_sorted_and_ranks_are_stable(matcher):
    text = check_text("Apply statistics to analyse data")
    a = matcher.rank([text], 10)[0]
    b = matcher.rank([text, "Manage budgets"], 10)[0]  # batching with other texts changes nothing
    assert [m.uri for m in a] == [m.uri for m in b]
    assert np.allclose([m.score for m in a], [m.score for m in b], atol=1e-4)
    assert [m.score for m in a] == sorted((m.score for m in a), reverse=True)


def test_without_phrases_and_exact_mentions_the_method_is_weaker(matcher):
    from models.skills.matcher import Matcher

    plain = Matcher(matcher.index, matcher.encoder, phrases=False, lexical=False)
    text = check_text("Experience with Java and SQL")
    full = {m.label for m in matcher.rank([text], 2)[0]}
    assert full == {"Java (computer programming)", "SQL"}
    assert plain.method != matcher.method


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("", "empty outcome"),
        ("   \t ", "empty outcome"),
        ("--- ...", "no words"),
        (b"\xff\xfe\x00abc", "not UTF-8"),
        ("abc\x00def", "binary"),
        ("\x01\x02\x03\x04\x05 a", "control characters"),
        ("word " * 5000, "characters"),
    ],
)
def test_bad_outcomes_are_refused_with_a_reason(bad, reason):
    with pytest.raises(OutcomeError, match=reason):
        check_text(bad)


def test_one_word_and_very_long_outcomes_are_ranked(matcher):
    assert top_labels(matcher, "SQL", 1) == ["SQL"]
    long_text = (
        "Students learn to plan and manage budgets for projects. " * 45
        + "They also write SQL queries against databases. "
    ) * 2
    assert len(long_text) > 5000
    assert len(chunks(check_text(long_text))) > 10
    labels = top_labels(matcher, long_text, 10)
    assert "manage budgets" in labels and "SQL" in labels


def test_index_cache_roundtrip_and_refusal_of_another_model(matcher, tmp_path, caplog):
    idx = matcher.index
    path = tmp_path / "index.npz"
    index_mod.save(idx, path)
    rel = _release_of(idx)
    again = index_mod.load(path, rel, idx.model_id)
    assert again.uris == idx.uris and np.allclose(again.emb, idx.emb, atol=2e-3)
    with pytest.raises(index_mod.IndexCacheError, match="was built with model"):
        index_mod.load(path, rel, "another-model@0000")


def test_index_vectors_lie_beside_the_npz_as_mappable_float16(matcher, tmp_path):
    idx = matcher.index
    rel = _release_of(idx)
    path = index_mod.cache_path(rel, matcher.encoder, tmp_path)
    assert path.name.endswith(f"__v{index_mod.INDEX_FORMAT}.npz")  # a file of another format is never read
    index_mod.save(idx, path)
    vectors = np.load(index_mod.emb_path(path), mmap_mode="r")
    assert vectors.dtype == np.float16 and vectors.shape == idx.emb.shape
    again = index_mod.load(path, rel, idx.model_id)
    assert again.emb.dtype == np.float32 and again.lexicon == idx.lexicon
    np.save(index_mod.emb_path(path), np.zeros((3, idx.emb.shape[1]), np.float16))
    with pytest.raises(index_mod.IndexCacheError, match="has shape"):
        index_mod.load(path, rel, idx.model_id)
    index_mod.emb_path(path).unlink()
    with pytest.raises(index_mod.IndexCacheError, match="unreadable"):
        index_mod.load(path, rel, idx.model_id)


def test_a_cache_file_from_another_model_is_rebuilt_not_used(matcher, tmp_path, caplog):
    idx = matcher.index
    rel = _release_of(idx)
    enc = matcher.encoder
    target = index_mod.cache_path(rel, enc, tmp_path)
    stale = index_mod.SkillIndex(**{**idx.__dict__, "model_id": "another-model@0000", "emb": np.zeros_like(idx.emb)})
    index_mod.save(stale, target)
    with caplog.at_level(logging.WARNING, logger="mcatlas.skills"):
        rebuilt = index_mod.get_index(rel, enc, tmp_path, progress=None)
    assert "was built with model another-model@0000" in caplog.text
    assert rebuilt.model_id == enc.model_id and np.abs(rebuilt.emb).sum() > 0
    assert index_mod.load(target, rel, enc.model_id).model_id == enc.model_id


def _release_of(idx):
    from models.skills import esco

    rel = esco.load_extract(esco.imported_extract_path()) if esco.imported_extract_path().exists() else None
    if rel is None or rel.fingerprint != idx.esco_fingerprint:
        from tests.models.skills.conftest import small_release

        rel = small_release()
    assert rel.fingerprint == idx.esco_fingerprint
    return rel


def test_uri_helper_finds_anchor_skills():
    from tests.models.skills.conftest import small_release

    rel = small_release()
    assert uri_of(rel, "SQL").startswith("http://data.europa.eu/esco/skill/")
