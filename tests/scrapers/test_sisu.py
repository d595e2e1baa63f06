"""Sisu (issue 14, item 2): Aalto's Sisu-fed Course API on the real corpus file, the kori API of five universities on
our own snapshot (search -> course units, paging), credits, languages, outcomes, teachers' data, bad input, crawls."""

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

from scrapers.parsers import sisu
from scrapers.parsers.base import ParseError
from scrapers.registry import registry
from scrapers.spiders.sisu import SisuSpider
from tests.scrapers.conftest import REPO, SNAPSHOT, chain

AALTO_API = "https://course.api.aalto.fi/api/sisu/v1/courseunitrealisations"
KORI = "https://sisu.helsinki.fi/kori/api/course-unit-search?uiLang=en&universityOrgId=hy-university-root-id"
SOURCES = ("sisu_helsinki", "sisu_aalto", "sisu_tampere", "sisu_jyvaskyla", "sisu_lut")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _aalto(corpus: Path) -> Path:
    return corpus / "sisu_aalto" / "sisukas_aalto-course-api_courseunitrealisations_part1.json"


def _teachers(records: list[dict[str, Any]]) -> set[str]:
    return {n for r in records for n in [*r["teachers"], *r["summary"]["teacherInCharge"]]}


def _assert_private(dumped: str, names: set[str]) -> None:
    assert names
    for name in names:
        assert name not in dumped, f"teacher {name!r} stored"
        for part in name.split():
            if len(part) > 3:
                assert not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", dumped), f"part of {name!r} stored: {part!r}"
    assert not EMAIL.search(dumped), "an e-mail address is stored"
    assert not re.search(r"\+358", dumped), "a phone number is stored"


# ---- Aalto's Course API: the real recorded response ---------------------------------------------------------


def test_real_aalto_course_api(corpus):
    path = _aalto(corpus)
    raw = json.loads(path.read_bytes())
    page = sisu.parse(path.read_bytes(), AALTO_API)
    offers, rejects = chain(page, "sisu_aalto")
    exams = [r for r in raw if r["type"].startswith("exam")]
    assert rejects == [] and len(offers) == len(raw) - len(exams) == 70
    assert Counter(r.reason for r in page.rejects) == {"not_an_offer: exam realisation (exam-exam)": 13}
    assert all(o.provider == "Aalto University" and o.country == "FI" and o.platform == "Sisu" for o in offers)
    by_id = {o.source_id: o for o in offers}
    sound = by_id["aalto-CUR-176017-3094534"]
    assert sound.title == "Sound and Environment, Lecture" and sound.titles["fi"] == "Ääni ja ympäristö, Luento-opetus"
    assert (sound.ects, sound.ects_flag, sound.languages, sound.level_raw) == (3.0, "given", ["en"], "advanced-studies")
    assert sound.url == "https://sisu.aalto.fi/student/courseunit/aalto-CU-1150970396-20240801/brochure"
    assert sound.participation_form == "on-site" and sound.participation_raw == "teaching-participation-lectures"
    assert [(r.start_date.isoformat(), r.end_date.isoformat()) for r in sound.runs] == [("2025-10-20", "2025-10-31")]
    assert sound.extras["enrolment"] == {"start_date": "2025-07-28", "end_date": "2025-09-04"}
    assert sound.prerequisites == "Recommended prerequisites: x" and sound.assessment.startswith("80% participation")
    assert sound.workload_raw.startswith("Contact teaching (40h)")
    # Aalto's `sv` texts that only copy the Finnish one are no Swedish texts
    assert "sv" not in sound.extras["descriptions"] and set(sound.extras["descriptions"]) == {"fi", "en"}
    # credit ranges are no one ECTS value: kept as min and max
    ranged = [o for o in offers if o.extras["credits"]["min"] != o.extras["credits"]["max"]]
    assert len(ranged) == 5 and all(o.ects_flag != "given" and not o.extras["credits"]["fixed"] for o in ranged)
    assert not [i for i in page.items if i["extras"]["credits"]["fixed"] is False and "ects" in i]
    assert sum(o.ects_flag == "given" for o in offers) == 65  # (the normaliser may still estimate from the hours)
    # outcomes in the teaching language, with the English text beside it where one is published
    finnish = [o for o in offers if o.languages == ["fi"] and o.learning_outcomes]
    assert len(finnish) == 22 == sum(o.languages == ["fi"] for o in offers) - 7
    assert all(o.learning_outcomes[0].lang == "fi" for o in finnish)
    assert any(o.learning_outcomes[0].text_en for o in finnish)
    # Aalto files the Finnish text under `en` when it has no translation: it is kept as Finnish, not as English
    field = by_id["aalto-CUR-201609-3117389"]
    assert set(field.extras["learning_outcomes_by_language"]) == {"fi", "sv"}
    assert field.extras["learning_outcomes_by_language"]["fi"].startswith("Kurssin jälkeen opiskelija")
    stated = Counter(c for r in raw if not r["type"].startswith("exam") for c in r["languageOfInstructionCodes"])
    assert Counter(lang for o in offers for lang in o.languages) == stated == {"fi": 29, "en": 36, "fr": 3, "de": 2}


def test_real_aalto_teachers_are_never_stored(corpus):
    path = _aalto(corpus)
    raw = json.loads(path.read_bytes())
    page = sisu.parse(path.read_bytes(), AALTO_API)
    offers, _ = chain(page, "sisu_aalto")
    dumped = json.dumps([o.model_dump(mode="json") for o in offers] + [r.raw for r in page.rejects], ensure_ascii=False)
    _assert_private(dumped, _teachers(raw))  # 67 teachers, in offers and in the exam rejects' raw copies
    assert "teacherInCharge" not in dumped and '"teachers"' not in dumped


def test_landed_lines_carry_no_teachers(corpus, tmp_path: Path):
    """A crawl replaying the real Aalto file lands offers and exam rejects without any teacher's name."""
    replay = tmp_path / "replay"
    replay.mkdir()
    shutil.copy(_aalto(corpus), replay / "aalto.json")
    url = registry()["sisu_aalto"].start_urls[0]
    (replay / "index.jsonl").write_text(
        json.dumps(
            {"url": url, "method": "GET", "request_body": None, "status": 200, "headers": {}, "file": "aalto.json"}
        )
        + "\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "crawl", "sisu_aalto", "--landing-dir", str(tmp_path / "landing"),
         "--replay-dir", str(replay), "-s", "LOG_LEVEL=ERROR"],
        cwd=REPO, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    run_dir = Path(summary["dir"])
    assert summary["status"] == "ok" and summary["offers"] == 70
    rejects = (run_dir / "rejects.jsonl").read_text()
    assert rejects.count("exam realisation") == 13
    _assert_private(
        (run_dir / "offers.jsonl").read_text() + rejects, _teachers(json.loads(_aalto(corpus).read_bytes()))
    )


# ---- kori: our own snapshot ------------------------------------------------------------------------------------


def test_kori_search_follows_course_units_and_pages():
    body = (SNAPSHOT / "sisu_helsinki" / "search_start0.json").read_bytes()
    page = sisu.parse(body, KORI + "&start=0&limit=100")
    assert page.items == [] and page.stats["sisu/search_results"] == 2
    assert [f.url for f in page.follow] == [
        "https://sisu.helsinki.fi/kori/api/course-units/hy-CU-900001-2025-08-01",
        "https://sisu.helsinki.fi/kori/api/course-units/hy-CU-900002-2025-08-01",
        KORI + "&start=100&limit=100",
    ]
    last = sisu.parse((SNAPSHOT / "sisu_helsinki" / "search_start100.json").read_bytes(), KORI + "&start=100&limit=100")
    assert [f.kind for f in last.follow] == ["course_unit"]  # 101 results: no third page
    empty = sisu.parse(b'{"start": 0, "limit": 100, "total": 0, "searchResults": []}', KORI)
    assert empty.stats == {"sisu/search_results": 0, "paging/no_results": 1}
    broken = sisu.parse(b'{"start": 0, "limit": 100, "total": 5, "searchResults": []}', KORI)
    assert broken.stats["errors/empty_results"] == 1


def test_kori_course_units():
    folder = SNAPSHOT / "sisu_helsinki"
    url = "https://sisu.helsinki.fi/kori/api/course-units/x"
    (ethics,), _ = chain(sisu.parse((folder / "course_unit_900001.json").read_bytes(), url), "sisu_helsinki")
    assert (ethics.title, ethics.ects, ethics.languages, ethics.level_raw) == (
        "Data Ethics in Practice",
        5.0,
        ["fi", "en"],
        "basic-studies",
    )
    assert ethics.titles == {
        "fi": "Datan etiikka käytännössä",
        "sv": "Dataetik i praktiken",
        "en": "Data Ethics in Practice",
    }
    assert ethics.url == "https://sisu.helsinki.fi/student/courseunit/hy-CU-900001-2025-08-01/brochure"
    outcome = ethics.learning_outcomes[0]
    assert (outcome.lang, outcome.text_en) == ("fi", "The student can identify the ethical risks of using data.")
    assert ethics.extras["additional_information"] == {"en": "Questions: [staff] ([e-mail], [phone])."}
    (climate,), _ = chain(sisu.parse((folder / "course_unit_900002.json").read_bytes(), url), "sisu_helsinki")
    assert climate.extras["open_university"] is True and climate.extras["micro_credential_candidate"] is True
    (project,), _ = chain(sisu.parse((folder / "course_unit_900003.json").read_bytes(), url), "sisu_helsinki")
    assert project.ects is None and project.extras["credits"] == {"min": 1, "max": 10, "unit": "ECTS", "fixed": False}


def test_kori_realisation_and_version_list():
    cur = {
        "id": "hy-CUR-900010",
        "name": {"fi": "Datan etiikka", "en": "Data Ethics"},
        "nameSpecifier": {"en": "Autumn lectures"},
        "courseUnitIds": ["hy-CU-900001-2025-08-01"],
        "activityPeriod": {"startDate": "2026-09-01", "endDate": "2026-10-31"},
        "teachingLanguageUrn": "urn:code:language:en",
        "courseUnitRealisationTypeUrn": "urn:code:course-unit-realisation-type:teaching-participation-online",
        "responsibilityInfos": [{"personId": "hy-hlo-1", "text": {"en": "Risto Rehtori"}}],
    }
    (offer,), _ = chain(sisu.parse(json.dumps(cur).encode(), "https://sisu.helsinki.fi/kori/api/x"), "sisu_helsinki")
    assert offer.title == "Data Ethics, Autumn lectures" and offer.participation_form == "online"
    assert offer.part_of == ["hy-CU-900001-2025-08-01"] and offer.languages == ["en"]
    assert "Risto" not in offer.model_dump_json() and "hy-hlo-1" not in offer.model_dump_json()
    version = json.loads((SNAPSHOT / "sisu_lut" / "course_unit_900001.json").read_bytes())
    page = sisu.parse(json.dumps([version, {**version, "id": "lut-CU-900001-2026-08-01"}]).encode(), "file:///x.json")
    assert [i["source_id"] for i in page.items] == ["lut-CU-900001-2025-08-01", "lut-CU-900001-2026-08-01"]
    assert page.items[0]["provider"] == "LUT University"  # known by its id prefix outside a crawl


# ---- registry, spider, bad input ---------------------------------------------------------------------------------


def test_five_universities_share_one_parser_and_spider():
    entries = [registry()[name] for name in SOURCES]
    assert {e.parser for e in entries} == {"scrapers.parsers.sisu:parse"}
    assert {e.spider for e in entries} == {"scrapers.spiders.sisu:SisuSpider"}
    for entry in entries:
        assert entry.country == "FI" and "/kori/api/course-unit-search?" in entry.start_urls[0]
        assert entry.settings["COOKIES_ENABLED"] is False and entry.settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
        assert "never stored" in entry.terms and entry.verified is not None
        assert SisuSpider.item_defaults(entry) == {"provider": entry.provider, "country": "FI"}
    assert registry()["sisu_aalto"].verified.kind == "real response"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "sisu: empty response body"),
        (b"<!doctype html><title>Sisu</title>", "sisu: expected JSON but got markup"),
        (b'[{"id": 1, "title": "Pottery"}]', "sisu: not a Sisu document"),
        (b'{"count": 1, "next": null, "results": []}', "sisu: not a Sisu document"),
        (b"[" * 5000 + b"]" * 5000, "sisu: malformed JSON"),
    ],
)
def test_bad_documents_are_one_line(body, message):
    with pytest.raises(ParseError) as err:
        sisu.parse(body, KORI)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_bad_records_are_rejected_with_reasons():
    good = json.loads((SNAPSHOT / "sisu_lut" / "course_unit_900001.json").read_bytes())
    records = [
        good,
        {**good, "id": None, "teachers": ["Tero Testaaja"]},  # no id
        {**good, "credits": "five", "name": ["x"]},  # a duplicate id, and unreadable fields
        {**good, "id": "lut-CU-2", "name": {"fi": ""}},
    ]
    page = sisu.parse(json.dumps(records).encode(), "https://sisu.lut.fi/kori/api/course-units/x")
    offers, chain_rejects = chain(page, "sisu_lut")
    assert [r.reason for r in page.rejects] == ["source_id: missing", "source_id: duplicate in one response"]
    assert len(offers) == 1 and chain_rejects == ["title: missing"]
    assert "Tero" not in json.dumps([r.raw for r in page.rejects])


@pytest.mark.parametrize("source", SOURCES)
def test_snapshot_crawl_of_each_university(snapshot_run, source):
    run = snapshot_run(source)
    assert run["summary"]["status"] == "ok", run["stats"]
    expected = 3 if source == "sisu_helsinki" else 1
    assert len(run["offers"]) == expected and run["stats"]["replay/served"] == expected + (2 if expected == 3 else 1)
    provider = registry()[source].provider
    assert {o["provider"] for o in run["offers"]} == {provider}
    landed = json.dumps(run["offers"], ensure_ascii=False)
    assert "Liisa" not in landed and "Luennoitsija" not in landed and not EMAIL.search(landed)
