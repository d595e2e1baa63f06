"""KTH Kopps v2: the real programmes list, our own snapshot crawled end to end (programmes wait for their curricula),
Swedish credits and cycles mapped by the normaliser (not the parser), and no personal data in what is stored."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from models.normalise.offer import normalise_item
from models.normalise.sweden import SE_CYCLES
from scrapers.parsers import kopps
from scrapers.parsers.base import ParseError
from tests.scrapers.conftest import REPO, SNAPSHOT

SNAP = SNAPSHOT / "kth_kopps"
ALL = "https://api.kth.se/api/kopps/v2/programmes/all"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _explained(offer: Any, field: str) -> Any:
    return next(e for e in offer.explanations if e.field == field)


def test_real_programmes_all(corpus, offers_of):
    path = corpus / "kopps" / "kth_kopps-v2_programmes-all.json"
    raw = json.loads(path.read_bytes())
    page = kopps.parse(path.read_bytes(), ALL)
    offers, rejects = offers_of(page, "kth_kopps")
    admitting = [r for r in raw if "lastAdmissionTerm" not in r]
    # a programme with a last admission term no longer admits: counted as skipped, never an offer
    assert rejects == [] and page.rejects == [] and len(offers) == len(admitting)
    assert page.stats == {"items/skipped/closed_programme/programmes": len(raw) - len(admitting)}
    assert {o.source_id for o in offers} == {f"programme:{r['programmeCode']}" for r in admitting}
    assert all(o.extras["offer_type"] == "programme" and o.country == "SE" for o in offers)
    # the parser gives source values; the normaliser reads the cycles and the credits (counted per code)
    levels = Counter((o.level_raw, o.eqf_level) for o in offers)
    assert set(levels) <= {("BASIC", 6), ("ADVANCED", 7), ("PREPARATORY", None), (None, None)}
    by_id = {o.source_id: o for o in offers}
    arch = by_id["programme:ARKIT"]
    assert (arch.title, arch.title_lang, arch.titles["sv"]) == (
        "Degree Programme in Architecture",
        "en",
        "Arkitektutbildning",
    )
    assert arch.url == "https://www.kth.se/student/kurser/program/ARKIT" and arch.duration_weeks == 260
    # 300 hp is more than the schema's 240 ECTS: refused with the reason, not clipped
    assert arch.ects is None and _explained(arch, "ects").rule == "ects.invalid"
    master = next(o for o in offers if o.level_raw == "ADVANCED" and o.extras["credits"]["value"] == 120)
    assert (master.ects, master.ects_flag, master.eqf_level, master.eqf_flag) == (120, "given", 7, "inferred")
    assert _explained(master, "ects").rule == "ects.from_national_credits"
    prep = next(o for o in offers if o.level_raw == "PREPARATORY")
    assert prep.extras["credits"]["unit"] == "fup" and prep.ects is None and prep.eqf_level is None
    assert _explained(prep, "ects").rule == "ects.not_convertible"
    assert "preparatory" in _explained(prep, "eqf_level").note


def test_parser_gives_source_values_only():
    page = kopps.parse((SNAP / "curriculum_TBASX_20262.json").read_bytes(), kopps.curriculum_url("TBASX", "20262"))
    for item in page.items:
        assert "ects" not in item and "eqf_level" not in item
        assert item["extras"]["level_framework"] == SE_CYCLES and item["extras"]["credits"]["unit"] == "fup"


@pytest.mark.parametrize(
    ("code", "eqf", "words"),
    [
        ("BASIC", 6, "first cycle"),
        ("ADVANCED", 7, "second cycle"),
        ("RESEARCH", 8, "third cycle"),
        ("PREPARATORY", None, "preparatory"),
        ("PRE_UNIVERSITY", None, "preparatory"),
    ],
)
def test_cycles_map_to_eqf_in_the_normaliser_with_a_reason(code, eqf, words):
    out = normalise_item({"source": "kth_kopps", "level_raw": code, "extras": {"level_framework": SE_CYCLES}})
    (why,) = [e for e in out["explanations"] if e["field"] == "eqf_level"]
    assert out["eqf_level"] == eqf and words in why["note"] and why["raw_value"] == code
    assert out["eqf_flag"] == ("inferred" if eqf else None)


def test_the_codes_are_cycles_only_where_the_source_says_so():
    # "BASIC" / "ADVANCED" from another source are difficulties: nothing is inferred from them
    out = normalise_item({"source": "other", "level_raw": "ADVANCED"})
    assert out["eqf_level"] is None
    credits = {"value": 7.5, "unit": "hp", "unit_label": "Högskolepoäng"}
    out = normalise_item({"source": "kth_kopps", "extras": {"credits": credits}})
    assert (out["ects"], out["ects_flag"]) == (7.5, "given")
    assert out["workload_hours_min"] == 187.5  # from the ECTS, 25-30 h each


def test_snapshot_crawl_programmes_with_their_member_courses(snapshot_run):
    run = snapshot_run("kth_kopps")
    assert run["summary"]["status"] == "ok", run["stats"]
    stats, offers = run["stats"], {o["source_id"]: o for o in run["offers"]}
    assert stats["kopps/curricula_requested"] == 3 and stats["items/skipped/closed_programme/programmes"] == 1
    assert stats["rejects/source_id"] == 2  # a programme and a course without a code, set aside with the reason
    programmes = {k: o for k, o in offers.items() if o["extras"].get("offer_type") == "programme"}
    assert sorted(programmes) == ["programme:TBASX", "programme:TDAIM", "programme:TMLSM"]
    dai = programmes["programme:TDAIM"]
    assert [m["id"] for m in dai["extras"]["member_courses"]] == [
        "DQ1101",
        "SQ1620",
        "SQ1625",
        "DQ2200",
        "DQ2470",
        "MQ2300",
    ]
    assert dai["stackability"].startswith("Study programme of 6 courses: Programmering")
    assert (dai["eqf_level"], dai["ects"]) == (6, None)  # 300 hp: more than one offer's 240 ECTS
    # every course of every curriculum is an offer of its own, once, however many programmes list it
    courses = {k for k, o in offers.items() if "course_code" in o["extras"]}
    members = {m["id"] for p in programmes.values() for m in p["extras"]["member_courses"]}
    assert courses == members and len(courses) == 10 and stats["offers/duplicate_in_run"] == 1
    assert (offers["MQ2300"]["ects"], offers["MQ2300"]["eqf_level"]) == (7.5, 7)
    assert (offers["SQ0010"]["ects"], offers["SQ0010"]["eqf_level"]) == (None, None)  # fup, preparatory


def _crawl(replay: Path, landing: Path, *settings: str) -> dict[str, Any]:
    args = [sys.executable, "-m", "pipelines.cli", "crawl", "kth_kopps", "--replay-dir", str(replay)]
    args += ["--landing-dir", str(landing), "-s", "LOG_LEVEL=WARNING", *settings]
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120)
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    run_dir = Path(summary["dir"])
    read = {name: (run_dir / name).read_text(encoding="utf-8") for name in ("offers.jsonl", "rejects.jsonl")}
    return {"summary": summary, "stats": json.loads((run_dir / "stats.json").read_text()), **read}


PEOPLE = ("Greta Provsson", "greta.provsson@kth.example", "Nils Exempelberg", "nils@kth.example", "070-123 45 67")


def _with_personal_data(tmp_path: Path) -> Path:
    """The snapshot with staff a response might carry: contacts on programmes, examiners on courses, and on the
    records that are rejected (a reject keeps a raw copy of its record)."""
    replay = tmp_path / "replay"
    shutil.copytree(SNAP, replay)
    staff = {"givenName": "Greta", "lastName": "Provsson", "email": PEOPLE[1], "phone": PEOPLE[4]}
    programmes = json.loads((replay / "programmes_all.json").read_text(encoding="utf-8"))
    for record in programmes:
        record["programmeDirector"] = {"name": PEOPLE[0], **staff}
        record["contactEmail"] = PEOPLE[3]
    (replay / "programmes_all.json").write_text(json.dumps(programmes, ensure_ascii=False), encoding="utf-8")
    path = replay / "curriculum_TDAIM_20262.json"
    curriculum = json.loads(path.read_text(encoding="utf-8"))
    for course in kopps.curriculum_courses(curriculum):
        course["examiners"] = [staff, {"name": PEOPLE[2], "email": PEOPLE[3]}]
        course["courseResponsible"] = PEOPLE[2]
    curriculum["curriculums"][0]["studyYears"][0]["freeTexts"] = [f"Kontakt: {PEOPLE[0]}, {PEOPLE[1]}"]
    path.write_text(json.dumps(curriculum, ensure_ascii=False), encoding="utf-8")
    return replay


def test_personal_data_is_never_stored(tmp_path):
    replay = _with_personal_data(tmp_path)
    assert PEOPLE[0] in (replay / "programmes_all.json").read_text(encoding="utf-8")
    run = _crawl(replay, tmp_path / "landing")
    assert run["summary"]["status"] == "ok" and run["stats"]["rejects/source_id"] == 2
    stored = run["offers.jsonl"] + run["rejects.jsonl"]
    assert run["offers.jsonl"].count("\n") == 13 and run["rejects.jsonl"].count("\n") == 2
    for value in (*PEOPLE, "Greta", "Provsson", "Exempelberg"):
        assert value not in stored, value
    assert not EMAIL.search(stored)
    # `mcatlas parse` prints what a crawl lands: the same holds for its output
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "parse", "kth_kopps", str(replay / "curriculum_TDAIM_20262.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.count("\n") == 6
    assert not any(v in proc.stdout + proc.stderr for v in PEOPLE) and not EMAIL.search(proc.stdout + proc.stderr)


def test_a_missing_curriculum_releases_its_programme_without_members(tmp_path):
    replay = tmp_path / "replay"
    shutil.copytree(SNAP, replay)
    index = [line for line in (replay / "index.jsonl").read_text().splitlines() if "TMLSM" not in line]
    (replay / "index.jsonl").write_text("\n".join(index) + "\n")
    run = _crawl(replay, tmp_path / "landing")
    offers = {o["source_id"]: o for o in map(json.loads, run["offers.jsonl"].splitlines())}
    # the programme still lands (without members); the failed request makes the run partial, so nothing is withdrawn
    assert run["summary"]["status"] == "partial" and run["stats"]["errors/http_404"] == 1
    assert offers["programme:TMLSM"]["extras"]["member_courses"] == []
    assert len(offers["programme:TDAIM"]["extras"]["member_courses"]) == 6


def test_the_curriculum_term_comes_from_the_registry_or_a_setting(tmp_path):
    run = _crawl(SNAP, tmp_path / "landing", "-s", "MCATLAS_KOPPS_TERM=20271")
    # no curriculum of spring 2027 in the snapshot: every programme is released without members, the run is partial
    assert run["summary"]["status"] == "partial" and run["stats"]["errors/http_404"] == 3
    assert run["stats"]["kopps/curricula_requested"] == 3


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html>maintenance</html>",
        b'[{"programmeCode": "X"',
        json.dumps({"count": 1, "results": [{"id": 1, "title": "Pottery"}]}).encode(),
        json.dumps([{"id": 4, "name": "Pottery"}]).encode(),
    ],
)
def test_other_documents_are_one_line_parse_errors(body):
    with pytest.raises(ParseError) as err:
        kopps.parse(body, ALL)
    assert "\n" not in str(err.value)


def test_an_empty_programme_list_is_an_error_the_run_shows():
    assert kopps.parse(b"[]", ALL).stats == {"errors/empty_results": 1}


def test_titles_follow_the_language_asked_for():
    record = {"programmeCode": "X", "title": "Exempelprogram", "titleOtherLanguage": "Example Programme"}
    english = {"programmeCode": "X", "title": "Example Programme", "titleOtherLanguage": "Exempelprogram"}
    sv = kopps.parse(json.dumps([record]).encode(), ALL).items[0]
    en = kopps.parse(json.dumps([english]).encode(), ALL + "?l=en").items[0]
    assert sv["titles"] == en["titles"] == {"sv": "Exempelprogram", "en": "Example Programme"}
    assert sv["title"] == en["title"] == "Example Programme"
