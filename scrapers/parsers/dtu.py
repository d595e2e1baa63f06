"""DTU course web service (kurser.dtu.dk/coursewebservicev2/course.asmx): the whole course base of a year.

Three response kinds, told apart by the method in the URL and the document itself:
`GetCourseCodeStartLetters` (code prefixes) -> `GetCoursesByCourseCodeStartingLetters` (course codes) ->
`GetCourse` (one course document). Both languages are kept (titles, descriptions, prerequisites, outcomes).
Staff names and e-mails in the course XML are never read into an item; because teachers are sometimes named
in free text (remarks, sign-up notes), every text field is also scrubbed of the course's staff names and of
any e-mail address (`scrapers.parsers.privacy.Scrubber`) before it leaves the parser.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from lxml import etree

from scrapers.parsers.base import FollowUp, Page, ParseError, guard_record, too_deep_is_parse_error
from scrapers.parsers.common import keep_unique
from scrapers.parsers.privacy import Scrubber
from scrapers.parsers.xml import load_xml, local

SOURCE = "dtu"
PROVIDER = "Technical University of Denmark (DTU)"
SERVICE = "https://kurser.dtu.dk/coursewebservicev2/course.asmx"
_CODE = re.compile(r"^[0-9A-Z]{5}$")


def _scrubber(course: etree._Element) -> Scrubber:
    """Removes the course's staff names and every e-mail address from free text."""
    names: list[str] = []
    for desc in course.iter("Description"):
        given, family = (desc.findtext("GivenName") or "").strip(), (desc.findtext("FamilyName") or "").strip()
        names += [f"{given} {family}".strip(), given, family]
    external = [(ext.get("Name") or "").strip() for ext in course.iter("External_Course_Responsible")]
    return Scrubber(exact=names, words=external, phones=None, labels=False)


def _humanise(key: str | None) -> str | None:
    return key.replace("_", " ").strip().lower() if key else None


def _by_lang(nodes: list[etree._Element], attr: str = "Txt") -> dict[str, str]:
    out: dict[str, str] = {}
    for node in nodes:
        lang = node.get("Lang") or node.get("LangCode")
        text = node.get(attr) if attr and node.get(attr) is not None else (node.text or "")
        if lang and text and text.strip():
            out[lang] = text.strip()
    return out


def _pick(texts: dict[str, str]) -> tuple[str | None, str | None]:
    """English where published, else any language; returns (text, lang)."""
    for lang in ("en-GB", "en"):
        if texts.get(lang):
            return texts[lang], lang
    for lang, text in texts.items():
        return text, lang
    return None, None


# DTU teaching periods (the source's schedule vocabulary): E/F + block (E1A ... F5B) are 13-week semester modules;
# January, June, July and August are three-week intensive periods. The parser only exposes each key's length
# (`extras.schedule_weeks`); the normaliser derives the course's duration from it and explains it.
_SEMESTER_BLOCK = re.compile(r"^[EF][1-7][AB]?$")
_THREE_WEEK = {"january", "june", "july", "august", "3-uger", "3 weeks"}


def period_weeks(key: str) -> float | None:
    """Length in weeks of one DTU schedule key; None for keys that say nothing about length."""
    if key.lower() in _THREE_WEEK:
        return 3.0
    if _SEMESTER_BLOCK.match(key):
        return 13.0
    return None


def schedule_weeks(schedule_keys: list[str]) -> dict[str, float]:
    """The course's schedule keys that have a known length, with that length: source vocabulary, not a duration."""
    return {k: w for k in schedule_keys if (w := period_weeks(k)) is not None}


def _attr(node: etree._Element, path: str, attr: str) -> str | None:
    found = node.find(path)
    return found.get(attr) if found is not None else None


def _txt_section(course: etree._Element, name: str) -> dict[str, str]:
    out = {}
    for txt in course.findall("Txt"):
        node = txt.find(name)
        if node is not None and (value := (node.text or "").strip()):
            out[txt.get("Lang", "")] = value
    return out


def _joined(*parts: dict[str, str], labels: tuple[str | None, ...]) -> dict[str, str]:
    """Per language, the sections joined with their labels (e.g. objectives + "Contents: ...")."""
    langs = dict.fromkeys(lang for part in parts for lang in part)
    out = {}
    for lang in langs:
        chunks = [
            f"{label}: {part[lang]}" if label else part[lang]
            for part, label in zip(parts, labels, strict=True)
            if part.get(lang)
        ]
        if chunks:
            out[lang] = "\n\n".join(chunks)
    return out


def _outcomes(course: etree._Element, scrub: Scrubber, primary: str) -> list[dict[str, Any]]:
    """Learning objectives, in the teaching language with the English text beside it where both are published."""
    outcomes = []
    for kw in course.findall("DTU_ObjectiveKeyword"):
        texts = scrub.texts(_by_lang(kw.findall("Txt")))
        if not texts:
            continue
        english = texts.get("en-GB")
        if primary in texts and primary != "en-GB":
            outcomes.append({"text": texts[primary], "lang": primary, "text_en": english})
        else:
            text, lang = _pick(texts)
            outcomes.append({"text": text, "lang": lang})
    return outcomes


def _assessment(course: etree._Element, scrub: Scrubber) -> tuple[dict[str, Any], dict[str, Any]]:
    """(item fields, extras) of the examination: the assessment in words, the examiner, the exam's keys."""
    exam = course.find("Examination")
    key = evaluation = marking = None
    notes: dict[str, str] = {}
    schedule: list[str] = []
    aids: list[str] = []
    if exam is not None:
        key = _attr(exam, "Assessment/Pre_Def_List", "AssessmentKey")
        notes = scrub.texts(_by_lang(exam.findall("Assessment/Supp_Txt")))
        evaluation = _attr(exam, "Evaluation", "EvaluationKey")
        marking = _attr(exam, "Marking_Scale", "Marking_ScaleKey")
        schedule = [sk for s in exam.findall("Date_Of_Exam/Schedule") if (sk := s.get("ScheduleKey"))]
        aids = [aid for a in exam.findall("Aid") if (aid := a.get("AidKey"))]
    assessment = _humanise(key)
    note, _ = _pick(notes)
    if assessment and note:
        assessment = f"{assessment} ({note})"
    examiner = ("; external examiner" if evaluation == "GLOB_EXTERN" else "; internal examiner") if evaluation else ""
    fields = {"assessment": assessment, "quality_assurance": "Accredited Danish university" + examiner}
    extras = {
        "exam_schedule_keys": schedule,
        "assessment_key": key,
        "assessment_notes": notes or None,
        "evaluation": evaluation,
        "marking_scale": marking,
        "exam_aids": aids,
    }
    return fields, extras


def _prerequisites(course: etree._Element, scrub: Scrubber) -> tuple[str | None, dict[str, Any]]:
    """(prerequisites as text, extras): mandatory and qualified prerequisites per language, and course codes."""
    qualified = scrub.texts(_by_lang(course.findall("Qualified_Prerequisites/Qualified_Prerequisites_Txt")))
    mandatory = scrub.texts(_by_lang(course.findall("Mandatory_Prerequisites/Mandatory_Prerequisites_Txt")))
    by_lang = _joined(mandatory, qualified, labels=("Mandatory", None))
    text, _ = _pick(by_lang)

    def codes(path: str) -> list[str]:
        return list(dict.fromkeys(code.strip() for n in course.findall(path) if (code := n.get("Txt"))))

    return text, {
        "prerequisites": by_lang,
        "prerequisite_courses": codes("Qualified_Prerequisites/DTU_CoursesTxt"),
        "mandatory_prerequisite_courses": codes("Mandatory_Prerequisites/DTU_CoursesTxt"),
    }


def _schedule(course: etree._Element, scrub: Scrubber) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(runs, extras) of the class schedule: the keys as given and each key's length from DTU's vocabulary."""
    keys = [sk for s in course.findall("Class_Schedule/Schedule") if (sk := s.get("ScheduleKey"))]
    notes = scrub.texts(_by_lang(course.findall("Class_Schedule/Schedule_Txt")))
    return [{"schedule": k} for k in keys], {
        "schedule_keys": keys,
        "schedule_notes": notes or None,
        "schedule_weeks": schedule_weeks(keys) or None,
        # DTU's own code (P2M, P6M, ...): not an ISO 8601 length (P2M is used for three-week courses)
        "course_duration_code": (course.findtext("Course_Duration/Exact") or "").strip() or None,
    }


def _course_facts(course: etree._Element, scrub: Scrubber) -> dict[str, Any]:
    """Extras about the course as DTU publishes it: volume, types, open university, limits, hours, remarks."""
    types = [
        t.get("OfferedAsACourseOfTypeKey")
        for t in course.iter("OfferedAsACourseOfType")
        if t.get("OfferedAsACourseOfTypeKey")
    ]
    open_flag = course.find("Open_University")
    open_info = course.find("DTU/OpenUniversity")
    home = course.find("Course_Home_Page")
    restrictions = course.find("Restrictions")
    hours = {
        h.get("HourDistribuitionKey"): h.get("Hours")
        for h in course.findall("HoursDistribuition/HourDistribuition")
        if h.get("HourDistribuitionKey")
    }
    remarks = _joined(
        scrub.texts(_txt_section(course, "DTU_Remark")),
        scrub.texts(_txt_section(course, "Remark")),
        labels=(None, None),
    )
    return {
        "volume": course.get("Volume"),
        "last_updated": course.get("LastUpdated"),
        "no_credit_with": [code for n in course.findall("No_Credit_Points_With") if (code := n.get("CourseCode"))],
        "open_university": open_flag is not None
        and (open_flag.get("TaughtUnderOpenUniversity") or "").lower() == "true",
        "open_university_subtitle": scrub((open_info.findtext("SubTitle") or "").strip() or None)
        if open_info is not None
        else None,
        "course_types": types,
        "home_page": home.get("URL") if home is not None else None,
        "participants_max": restrictions.get("Max") if restrictions is not None else None,
        "participants_min": restrictions.get("Min") if restrictions is not None else None,
        "hours": hours or None,
        "remarks": remarks or None,
    }


def course_item(course: etree._Element) -> dict[str, Any]:
    """One GetCourse document as an item of values as DTU gives them (level, location and schedule keys raw: the
    normaliser infers EQF, participation and duration from them and explains how)."""
    scrub = _scrubber(course)
    code = (course.get("CourseCode") or "").strip()
    titles = scrub.texts(_by_lang(course.findall("Title"), "Title"))
    title, title_lang = _pick(titles)
    teaching = [lang for t in course.findall("Teaching_Language") if (lang := t.get("LangCode"))]
    objectives = scrub.texts(_txt_section(course, "Course_Objectives"))
    contents = scrub.texts(_txt_section(course, "Contents"))
    descriptions = _joined(objectives, contents, labels=(None, "Contents"))
    description, _ = _pick(descriptions)
    point = course.find("Point")
    point_type = point.get("PointType", "ECTS") if point is not None else None
    level_key = _attr(course, "CBS_Programme_Level", "CBS_Programme_LevellKey")
    assessment, exam_extras = _assessment(course, scrub)
    prerequisites, prereq_extras = _prerequisites(course, scrub)
    runs, schedule_extras = _schedule(course, scrub)
    facts = _course_facts(course, scrub)
    return {
        "source_id": code,
        "url": f"https://kurser.dtu.dk/course/{code}" if code else None,
        "title": title,
        "title_lang": title_lang,
        "titles": titles,
        "description": description,
        "provider": PROVIDER,
        "provider_url": "https://www.dtu.dk",
        "country": "DK",
        "alliances": ["EuroTeQ"] if any(t.lower() == "euroteq" for t in facts["course_types"]) else [],
        "languages": teaching,
        "learning_outcomes": _outcomes(course, scrub, teaching[0] if teaching else "en-GB"),
        "ects": point.text.strip() if point is not None and point.text and point_type == "ECTS" else None,
        "level_raw": level_key,
        **assessment,
        "participation_raw": _attr(course, "Location", "Key"),
        "prerequisites": prerequisites,
        "runs": runs,
        "certificate_type": "course diploma (ECTS transcript)",
        "extras": {
            **facts,
            **schedule_extras,
            "programme_level": level_key,
            "descriptions": descriptions,
            "course_objectives": objectives,
            "contents": contents,
            "teaching_methods": scrub.texts(_txt_section(course, "Teaching_And_Learning_Methods")),
            **prereq_extras,
            **exam_extras,
            "point_type": point_type,
            "teaching_language_stated": bool(teaching),
        },
    }


def _method(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def _year(url: str) -> str | None:
    query = parse_qs(urlsplit(url).query)
    values = query.get("yearGroup") or query.get("Volume")
    return values[0] if values else None


def _values(root: etree._Element) -> list[str]:
    """Leaf texts and CourseCode attributes of a list response, whatever its wrapper elements."""
    out = [code for e in root.iter() if isinstance(e.tag, str) and (code := e.get("CourseCode"))]
    out += [leaf for e in root.iter() if isinstance(e.tag, str) and len(e) == 0 and (leaf := (e.text or "").strip())]
    return out


def course_url(code: str, year: str | None) -> str:
    query = {"courseCode": code, **({"yearGroup": year} if year else {})}
    return f"{SERVICE}/GetCourse?{urlencode(query)}"


@too_deep_is_parse_error("dtu course service")
def parse(body: bytes, url: str) -> Page:
    root = load_xml(body, "dtu course service")
    page = Page()
    courses = [e for e in root.iter("{*}Course") if e.get("CourseCode")]
    if courses:
        seen: set[str] = set()
        for course in courses:
            item = guard_record(page, SOURCE, course.get("CourseCode"), partial(course_item, course))
            duplicate = "duplicate course code in one response"
            keep_unique(page, SOURCE, item, seen, duplicate, "dtu/missing_teaching_language")
        return page
    method, year = _method(url), _year(url)
    values = _values(root)
    unique = list(dict.fromkeys(values))
    if len(unique) < len(values):
        page.stats["dtu/duplicate_codes_listed"] = len(values) - len(unique)
    if method == "GetCourseCodeStartLetters":
        for letters in unique:
            query = {"startLetters": letters, **({"yearGroup": year} if year else {})}
            page.follow.append(
                FollowUp(f"{SERVICE}/GetCoursesByCourseCodeStartingLetters?{urlencode(query)}", kind="codes")
            )
        if not page.follow:
            page.stats["errors/empty_results"] = 1
        return page
    codes = [v for v in unique if _CODE.match(v)]
    if method in ("GetCoursesByCourseCodeStartingLetters", "GetCourseCodes") or codes:
        for code in codes:
            page.follow.append(FollowUp(course_url(code, year), kind="course"))
        page.stats["dtu/course_codes_listed"] = len(codes)
        return page
    if local(root.tag) == "root" and root.find(".//CoursePublished") is None and method == "GetCourse":
        page.stats["dtu/course_not_published"] = 1
        return page
    raise ParseError(f"dtu course service: no course or course list in the document (root <{local(root.tag)}>)")
