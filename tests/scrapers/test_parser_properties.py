"""Property-based tests: every registered parser, fed random bytes, truncated snapshots and deep nesting.

Whatever the body, a parser either raises `ParseError` (one line) or returns a `Page` whose items go through the
item chain (`scrapers.processing.process`) as an Offer or a `RejectItem`; nothing else escapes, and nothing hangs
(each example is bounded by hypothesis' deadline and a hard alarm). Seeds are the bundled snapshot files.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scrapers.parsers.base import Page, ParseError, Parser
from scrapers.processing import RejectItem, process
from scrapers.registry import SNAPSHOT_ROOT, registry

PROV = {"fetched_at": "2026-01-01T00:00:00+00:00", "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}
SOURCES = sorted(registry())
HARD_LIMIT_S = 10  # an example that runs this long is a hang, whatever hypothesis' deadline says
# Sources without a bundled snapshot borrow one of the same format.
SEED_FROM = {"xcri_cap": "xcri_cap_ou", "iversity": "futurelearn", "udacity": "futurelearn", "ooapi": "ooapi_tue"}
SEED_FROM["cdm_fr"] = "cdm_fr_unistra"  # the generic CDM-fr entry borrows the Unistra export
FAST = settings(
    max_examples=40,
    deadline=timedelta(seconds=3),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@cache
def parser_of(source: str) -> Parser:
    return registry()[source].load_parser()


@cache
def seeds(source: str) -> tuple[tuple[str, bytes], ...]:
    """(url, body) of every recorded response in the source's snapshot (or a same-format one)."""
    folder: Path = SNAPSHOT_ROOT / SEED_FROM.get(source, source)
    out = []
    for line in (folder / "index.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        path = folder / entry["file"]
        if path.is_file():
            out.append((entry["url"], path.read_bytes()))
    return tuple(out)


def url_of(source: str) -> str:
    return seeds(source)[0][0] if seeds(source) else "https://example.org/courses?page=1"


@contextmanager
def hard_limit(seconds: int) -> Iterator[None]:
    def hang(signum: int, frame: Any) -> None:
        raise TimeoutError(f"parser still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check(source: str, body: bytes, url: str) -> None:
    """The property: ParseError or a Page whose items validate or are rejected; nothing else."""
    with hard_limit(HARD_LIMIT_S):
        try:
            page = parser_of(source)(body, url)
        except ParseError as exc:
            assert "\n" not in str(exc), "a ParseError is one line"
            return
        assert isinstance(page, Page)
        for reject in page.rejects:
            assert isinstance(reject.reason, str) and reject.reason
        for item in page.items:
            try:
                process({**item, "source": source, "provenance": PROV})
            except RejectItem:
                pass


@pytest.mark.parametrize("source", SOURCES)
@FAST
@given(body=st.binary(max_size=2048))
def test_random_bytes(source: str, body: bytes) -> None:
    check(source, body, url_of(source))


@pytest.mark.parametrize("source", SOURCES)
@FAST
@given(data=st.data())
def test_truncated_and_damaged_snapshots(source: str, data: st.DataObject) -> None:
    url, body = data.draw(st.sampled_from(seeds(source)), label="seed")
    cut = data.draw(st.integers(0, len(body)), label="cut")
    damaged = body[:cut]
    if data.draw(st.booleans(), label="flip"):
        at = data.draw(st.integers(0, max(len(damaged) - 1, 0)), label="at")
        damaged = damaged[:at] + data.draw(st.binary(min_size=1, max_size=8), label="junk") + damaged[at + 1 :]
    check(source, damaged, url)


def deep_body(kind: str, depth: int) -> bytes:
    """A document nested `depth` levels deep, in each format a parser may be handed."""
    if kind == "json_array":
        return b"[" * depth + b"]" * depth
    if kind == "json_object":
        return b'{"data": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"
    if kind == "json_records":
        inner = "[" * depth + "]" * depth
        return (
            json.dumps({"data": [], "results": [], "courses": [], "elements": []})[:-1].encode()
            + f', "x": [{{"id": "1", "uuid": "1", "key": "1", "attributes": {{"teaches": {inner}}}}}]}}'.encode()
        )
    if kind == "xml":
        return b"<?xml version='1.0'?><catalog>" + b"<a>" * depth + b"</a>" * depth + b"</catalog>"
    if kind == "rss":
        return (
            b"<?xml version='1.0'?><rss><channel><item><title>"
            + b"<b>" * depth
            + b"x"
            + b"</b>" * depth
            + b"</title></item></channel></rss>"
        )
    inner = b"[" * depth + b"]" * depth
    return (
        b"<html><head><script type='application/ld+json'>" + inner + b"</script>"
        b'<script type=\'application/ld+json\'>{"@type": "Course", "name": "Beside"}</script></head>'
        b"<body>" + b"<div>" * min(depth, 5000) + b"</div>" * min(depth, 5000) + b"</body></html>"
    )


@pytest.mark.parametrize("source", SOURCES)
@settings(FAST, max_examples=12)
@given(
    kind=st.sampled_from(["json_array", "json_object", "json_records", "xml", "rss", "html"]),
    depth=st.one_of(st.integers(1, 1200), st.sampled_from([255, 256, 900, 1023, 1024, 1500, 100_000])),
)
@example(kind="json_array", depth=100_000)  # the MOOChub page of 100,000 nested brackets
@example(kind="json_object", depth=1000)  # under orjson's limit, over Python's recursion limit
@example(kind="xml", depth=1500)  # the 1,500-deep XCRI-CAP / ELM feed
@example(kind="html", depth=100_000)  # a 100k-deep JSON-LD block beside a valid Course block
def test_deep_nesting(source: str, kind: str, depth: int) -> None:
    check(source, deep_body(kind, depth), url_of(source))
