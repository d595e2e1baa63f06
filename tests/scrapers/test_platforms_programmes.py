"""Issue #13, class 7: programme records are programme offers, not courses: their own URL, their dates, and their
member courses (`extras.member_courses`, `extras.offer_type == "programme"`, a `stackability` sentence listing them),
in every platform parser that meets them. Fixtures: tests/fixtures/platforms (our own, in the platforms' formats)."""

from __future__ import annotations

import json

from scrapers.parsers import coursera, edx, futurelearn, mit, udacity
from tests.scrapers.conftest import FIXTURES, SNAPSHOT

PLATFORMS = FIXTURES / "platforms"


def by_id(offers):
    return {o.source_id: o for o in offers}


def is_programme(offer, members: list[str]) -> bool:
    extras = offer.extras
    return extras.get("offer_type") == "programme" and [m.get("id") for m in extras["member_courses"]] == members


def test_mitxonline_programs_have_their_page_dates_and_courses(offers_of):
    page = mit.parse((PLATFORMS / "mitxonline_programs.json").read_bytes(), "https://mitxonline.mit.edu/api/programs/")
    offers, rejects = offers_of(page, "mitxonline")
    assert rejects == [] and page.rejects == []
    dep, sca = by_id(offers)["program-v1:MITx+DEPx"], by_id(offers)["program-v1:MITx+SCAx"]
    assert dep.url == "https://mitxonline.mit.edu/programs/program-v1:MITx+DEPx/"  # not /courses/program-v1:...
    assert (dep.runs[0].start_date.isoformat(), dep.runs[0].end_date.isoformat()) == ("2026-02-03", "2026-12-15")
    assert is_programme(dep, ["course-v1:MITxT+DEP.1x", "course-v1:MITxT+DEP.2x"])
    assert dep.extras["programme_kind"] == "MicroMasters®"
    assert dep.stackability == "MicroMasters® of 2 courses: Microeconomic Foundations; Designing Evaluations"
    assert dep.extras["member_courses"][0]["url"] == "https://mitxonline.mit.edu/courses/course-v1:MITxT+DEP.1x/"
    assert [o.text for o in dep.learning_outcomes] == ["Design a randomised evaluation"]  # the question is not one
    assert is_programme(sca, ["41", "42", "43"]) and sca.url.endswith("/programs/program-v1:MITx+SCAx/")


def test_xpro_program_in_a_list_and_through_the_edx_parser(offers_of):
    body = (PLATFORMS / "xpro_programs.json").read_bytes()
    for parse in (mit.parse, edx.parse):
        (prog,), rejects = offers_of(parse(body, "https://xpro.mit.edu/api/programs/"), "mitxpro")
        assert rejects == [] and prog.source_id == "program-v1:xPRO+SysThink"
        assert prog.url == "https://xpro.mit.edu/programs/program-v1:xPRO+SysThink/"
        assert is_programme(prog, ["course-v1:xPRO+SysThink1", "course-v1:xPRO+SysThink2"])
        assert (prog.price_amount, prog.price_currency, prog.runs[0].start_date.isoformat()) == (
            1900.0,
            "USD",
            "2026-04-07",
        )
        assert "A Lecturer" not in prog.model_dump_json()


def test_prolearn_program_document_lists_its_courses(offers_of):
    page = mit.parse((PLATFORMS / "prolearn_program.json").read_bytes(), "https://prolearn.mit.edu/graphql")
    offers, _ = offers_of(page, "mit_pe")
    program, course = by_id(offers)["7001"], by_id(offers)["7002"]
    assert is_programme(program, ["7002", "7003"])
    assert (
        program.stackability
        == "Professional Certificate Program of 2 courses: Robot Kinematics; Control for Robotic Arms"
    )
    assert course.stackability == "Counts towards the Professional Certificate Program in Robotics Design"
    assert "offer_type" not in course.extras


def test_futurelearn_program_mixed_into_a_course_array_is_a_programme(offers_of):
    page = futurelearn.parse((PLATFORMS / "futurelearn_mixed.json").read_bytes(), "https://www.futurelearn.com/feeds")
    offers, _ = offers_of(page, "futurelearn")
    track = by_id(offers)["program:bb000000-0000-4000-8000-000000000002"]
    assert track.url == "https://www.futurelearn.com/experttracks/regenerative-farming"
    assert is_programme(track, ["aa000000-0000-4000-8000-000000000001", "aa000000-0000-4000-8000-000000000003"])
    assert track.runs[0].start_date.isoformat() == "2026-04-06"  # the program's own dates are kept
    assert "offer_type" not in by_id(offers)["aa000000-0000-4000-8000-000000000001"].extras


def test_coursera_specialization_on_a_course_page_with_member_titles(offers_of):
    page = coursera.parse(
        (PLATFORMS / "coursera_mixed.json").read_bytes(), "https://api.coursera.org/api/courses.v1?start=0"
    )
    offers, _ = offers_of(page, "coursera")
    spec = by_id(offers)["specialization:s-ocean"]
    assert spec.url == "https://www.coursera.org/specializations/ocean-renewables"  # not /learn/ocean-renewables
    assert is_programme(spec, ["c-tide", "c-wave", "c-wind"])
    assert [m.get("title") for m in spec.extras["member_courses"]] == [
        "Tidal Energy Systems",
        "Wave Power Basics",
        "Offshore Wind",
    ]
    assert by_id(offers)["c-tide"].url == "https://www.coursera.org/learn/tidal-energy"


def test_udacity_nanodegree_is_a_programme(offers_of):
    page = udacity.parse(
        (PLATFORMS / "udacity_catalog.json").read_bytes(), "https://www.udacity.com/public-api/v0/courses"
    )
    offers, _ = offers_of(page, "udacity")
    nd = by_id(offers)["nd950"]
    assert is_programme(nd, ["ud901", "ud903", "ud904"]) and nd.provider == "Example Systems Inc."
    assert (
        nd.stackability == "Nanodegree program of 3 courses: Shell Scripting Essentials; Monitoring with Metrics; ud904"
    )
    assert [o.text for o in nd.learning_outcomes] == ["Learners will be able to build and monitor automated pipelines"]


def test_existing_programme_shapes_carry_the_same_member_list(offers_of):
    edx_page = edx.parse((SNAPSHOT / "edx" / "programs_page1.json").read_bytes(), "https://discovery.edx.org/p")
    (robotics,), _ = offers_of(edx_page, "edx")
    assert is_programme(robotics, ["DelftX+ROBO3x", "DelftX+ROBO4x", "DelftX+ROBO5x"])
    fl = futurelearn.parse((SNAPSHOT / "futurelearn" / "feeds_programs.json").read_bytes(), "https://f/feeds/programs")
    track, _micro = offers_of(fl, "futurelearn")[0]
    assert track.extras["programme_kind"] == "experttrack" and len(track.extras["member_courses"]) == 2
    spec_body = json.loads((SNAPSHOT / "coursera" / "specializations_start0.json").read_bytes())
    spec_page = coursera.parse(
        json.dumps(spec_body).encode(), "https://api.coursera.org/api/onDemandSpecializations.v1"
    )
    offers, _ = offers_of(spec_page, "coursera")
    assert offers and all(o.extras["offer_type"] == "programme" for o in offers)
