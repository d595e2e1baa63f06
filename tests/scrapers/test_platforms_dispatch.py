"""Issue #13, class 10: a parser claims a document only on a positive signature of its format. A JSON document of an
unknown publisher (a top-level `courses` list, a Django-REST `results` page, a bare list, a JSON:API document of other
resources) is no longer mass-rejected with exit 0: `mcatlas parse` exits 2 with one line naming the format expected."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from scrapers.parsers import coursera, edx, futurelearn, iversity, mit, moochub, udacity
from scrapers.parsers.base import ParseError
from tests.scrapers.conftest import FIXTURES

UNKNOWN = FIXTURES / "platforms" / "unknown_catalogue.json"
URL = "https://learn.example.org/api/catalogue"

FOREIGN = {
    "courses list": UNKNOWN.read_bytes(),
    "django-rest page": json.dumps({"count": 1, "next": None, "results": [{"id": 4, "name": "Pottery"}]}).encode(),
    "bare list": json.dumps([{"id": 4, "name": "Pottery", "summary": "Clay."}]).encode(),
    "other json:api": json.dumps({"data": [{"id": "a1", "type": "articles", "attributes": {"title": "x"}}]}).encode(),
    "other elements": json.dumps({"elements": [{"id": 1, "label": "Pottery"}]}).encode(),
}
PARSERS = {
    "futurelearn": (futurelearn, "futurelearn feed: not a FutureLearn courses or programs feed"),
    "edx": (edx, "edx discovery api: not an edX Discovery page"),
    "coursera": (coursera, "coursera api: not a Coursera catalog response"),
    "moochub": (moochub, "moochub api: not a MOOChub document"),
    "mitxonline": (mit, "mit catalogue api: not an MIT catalogue"),
    "iversity": (iversity, "iversity api: expected"),
    "udacity": (udacity, "udacity api: expected"),
}


@pytest.mark.parametrize("shape", sorted(FOREIGN))
@pytest.mark.parametrize("name", sorted(PARSERS))
def test_no_parser_claims_a_document_without_its_signature(name: str, shape: str) -> None:
    module, expected = PARSERS[name]
    with pytest.raises(ParseError) as err:
        module.parse(FOREIGN[shape], URL)
    assert str(err.value).startswith(expected) and "\n" not in str(err.value)


def test_mcatlas_parse_exits_2_with_one_line_naming_the_expected_format() -> None:
    result = CliRunner().invoke(main, ["parse", "futurelearn", str(UNKNOWN)])
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "not a FutureLearn courses or programs feed (expected a JSON array of records with `uuid`" in line


def test_each_platform_still_claims_its_own_shape_and_dispatch_still_reads_the_others(offers_of) -> None:
    fl = [{"uuid": "u1", "name": "Knitting", "url": "https://www.futurelearn.com/courses/knitting", "runs": []}]
    assert [i["title"] for i in futurelearn.parse(json.dumps(fl).encode(), URL).items] == ["Knitting"]
    assert [i["title"] for i in edx.parse(json.dumps(fl).encode(), URL).items] == ["Knitting"]  # via dispatch
    discovery = {"count": 1, "next": None, "results": [{"key": "X+1", "title": "One", "course_runs": []}]}
    assert [i["title"] for i in futurelearn.parse(json.dumps(discovery).encode(), URL).items] == ["One"]
    # an empty feed is still FutureLearn's empty feed (an error the run status shows), not another format
    assert futurelearn.parse(b"[]", URL).stats == {"errors/empty_results": 1}
    # an edX programs list has `uuid` and `courses` but no `name`: edX's, not FutureLearn's (was 3 x "title: missing")
    programs = [
        {
            "uuid": "p1",
            "title": "Robotics",
            "type": "XSeries",
            "authoring_organizations": [{"key": "DelftX", "name": "TU Delft"}],
            "courses": [{"key": "A+1", "title": "A"}],
        }
    ]
    offers, rejects = offers_of(futurelearn.parse(json.dumps(programs).encode(), URL), "edx")
    assert rejects == [] and [o.source_id for o in offers] == ["program:p1"]
