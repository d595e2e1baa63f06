"""Entity resolution: blocking, similarity with reasons, stable cluster ids, same-source records never merged."""

from models.resolve import Listing, provider_key, resolve, similarity, title_key


def L(source, sid, title, provider=None, **kw):
    return Listing(source=source, source_id=sid, title=title, provider=provider, **kw)


def test_keys_fold_case_accents_codes_and_stop_words():
    assert title_key("Machine Learning Operations (02476)") == "machine learning operations"
    assert title_key("Introduction à l'Économie") == title_key("introduction a l economie")
    assert provider_key("Technical University of Denmark (DTU)")[1] >= {"dtu"}
    assert "dtu" in provider_key("Danmarks Tekniske Universitet")[1]


def test_same_course_in_catalogue_and_platform_is_linked_with_a_reason():
    dtu = L(
        "dtu",
        "02476",
        "Machine Learning Operations",
        "Technical University of Denmark (DTU)",
        ects=5.0,
        outcomes=frozenset({"deploy models", "monitor models"}),
    )
    platform = L(
        "euroteq",
        "mlops",
        "Machine learning operations (02476)",
        "DTU",
        ects=5.0,
        outcomes=frozenset({"deploy models", "monitor models"}),
    )
    score, title, reason = similarity(dtu, platform)
    assert score >= 0.95 and title == 1.0
    assert "acronym DTU" in reason and "outcomes 1.00" in reason and "ECTS 5/5" in reason


def test_same_title_at_another_provider_is_not_linked():
    a = L("dtu", "1", "Machine Learning Operations", "Technical University of Denmark")
    b = L("futurelearn", "2", "Machine Learning Operations", "University of Leeds")
    result = resolve([a, b])
    assert {r["cluster_size"] for r in result.rows} == {1}
    assert all(r["link_reason"] == "no match in other sources" for r in result.rows)


def test_clusters_are_transitive_stable_and_never_join_one_sources_own_records():
    rows = [
        L("dtu", "02456", "Deep Learning", "DTU", url="https://kurser.dtu.dk/course/02456", ects=7.5),
        L("coursera", "dl", "Deep learning", "Technical University of Denmark (DTU)", ects=7.5),
        L("europass", "x9", "Deep Learning", "DTU", url="https://kurser.dtu.dk/course/02456/"),
        L("dtu", "02457", "Deep Learning", "DTU", ects=5.0),  # same source, different id: a different course
        L("coursera", "other", "Organic Chemistry", "DTU"),
    ]
    first = resolve(rows)
    by_key = {(r["source"], r["source_id"]): r for r in first.rows}
    cluster = by_key[("dtu", "02456")]["cluster_id"]
    assert by_key[("coursera", "dl")]["cluster_id"] == cluster == by_key[("europass", "x9")]["cluster_id"]
    assert by_key[("coursera", "other")]["cluster_size"] == 1
    assert "same URL" in similarity(rows[0], rows[2])[2]
    assert by_key[("europass", "x9")]["link_reason"].startswith("matches ")
    sizes = {r["cluster_id"]: r["cluster_size"] for r in first.rows}
    assert sum(1 for r in first.rows if r["cluster_id"] == cluster) == sizes[cluster]
    assert by_key[("dtu", "02457")]["cluster_id"] != cluster  # one listing per source in a cluster
    again = resolve(list(reversed(rows)))
    assert {(r["source"], r["source_id"], r["cluster_id"]) for r in again.rows} == {
        (r["source"], r["source_id"], r["cluster_id"]) for r in first.rows
    }


def test_oversized_blocks_are_skipped_and_counted():
    rows = [L(f"s{i % 7}", str(i), "Introduction", None) for i in range(400)]
    result = resolve(rows)
    assert result.blocks_skipped >= 1 and len(result.rows) == 400
