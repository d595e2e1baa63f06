"""DTU course web service (kurser.dtu.dk/coursewebservicev2/course.asmx).

Three response kinds, told apart by the method in the URL and the document itself:
`GetCourseCodeStartLetters` (code prefixes) -> `GetCoursesByCourseCodeStartingLetters` (course codes) ->
`GetCourse` (one course document). Staff names and e-mails in the course XML are never read.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from lxml import etree

from scrapers.parsers.base import FollowUp, Page, ParseError, Reject
from scrapers.parsers.xml import load_xml, local

SOURCE = "dtu"
PROVIDER = "Technical University of Denmark (DTU)"
SERVICE = "https://kurser.dtu.dk/coursewebservicev2/course.asmx"
# Programme level -> EQF level (Danish qualifications framework, referenced to the EQF).
EQF_BY_LEVEL = {"DTU_BSC": 6, "DTU_DIPLOM": 6, "DTU_MSC": 7, "DTU_PHD": 8}
_CODE = re.compile(r"^[0-9A-Z]{5}$")


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


def _attr(node: etree._Element, path: str, attr: str) -> str | None:
    found = node.find(path)
    return found.get(attr) if found is not None else None


def _txt_section(course: etree._Element, name: str) -> dict[str, str]:
    out = {}
    for txt in course.findall("Txt"):
        node = txt.find(name)
        if node is not None and (node.text or "").strip():
            out[txt.get("Lang", "")] = node.text.strip()
    return out


def course_item(course: etree._Element) -> dict[str, Any]:
    code = (course.get("CourseCode") or "").strip()
    titles = _by_lang(course.findall("Title"), "Title")
    title, title_lang = _pick(titles)
    teaching = [t.get("LangCode") for t in course.findall("Teaching_Language") if t.get("LangCode")]
    primary = teaching[0] if teaching else "en-GB"

    outcomes = []
    for kw in course.findall("DTU_ObjectiveKeyword"):
        texts = _by_lang(kw.findall("Txt"))
        if not texts:
            continue
        english = texts.get("en-GB")
        if primary in texts and primary != "en-GB":
            outcomes.append({"text": texts[primary], "lang": primary, "text_en": english})
        else:
            text, lang = _pick(texts)
            outcomes.append({"text": text, "lang": lang})

    objectives, contents = _txt_section(course, "Course_Objectives"), _txt_section(course, "Contents")
    obj_text, _ = _pick(objectives)
    cont_text, _ = _pick(contents)
    description = "\n\n".join(p for p in (obj_text, cont_text and f"Contents: {cont_text}") if p) or None

    point = course.find("Point")
    level_key = _attr(course, "CBS_Programme_Level", "CBS_Programme_LevellKey")
    eqf = EQF_BY_LEVEL.get(level_key or "")
    exam = course.find("Examination")
    assessment_key = evaluation = marking = None
    if exam is not None:
        pre = exam.find("Assessment/Pre_Def_List")
        assessment_key = pre.get("AssessmentKey") if pre is not None else None
        ev = exam.find("Evaluation")
        evaluation = ev.get("EvaluationKey") if ev is not None else None
        ms = exam.find("Marking_Scale")
        marking = ms.get("Marking_ScaleKey") if ms is not None else None
    prereq_q = _by_lang(course.findall("Qualified_Prerequisites/Qualified_Prerequisites_Txt"))
    prereq_m = _by_lang(course.findall("Mandatory_Prerequisites/Mandatory_Prerequisites_Txt"))
    prereq_codes = [n.get("Txt") for n in course.findall("Qualified_Prerequisites/DTU_CoursesTxt") if n.get("Txt")]
    prerequisites = "\n".join(
        p for p in (_pick(prereq_m)[0] and f"Mandatory: {_pick(prereq_m)[0]}", _pick(prereq_q)[0]) if p
    ) or None
    schedules = [s.get("ScheduleKey") for s in course.findall("Class_Schedule/Schedule") if s.get("ScheduleKey")]
    duration = course.findtext("Course_Duration/Exact")
    location = _attr(course, "Location", "Key")
    types = [t.get("OfferedAsACourseOfTypeKey") for t in course.findall("OfferedAsACourseOfTypes/OfferedAsACourseOfType")]
    open_uni = course.find("Open_University")
    home = course.find("Course_Home_Page")
    volume = course.get("Volume")

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
        "alliances": ["EuroTeQ"] if "EuroTeQ" in types else [],
        "languages": teaching,
        "learning_outcomes": outcomes,
        "ects": point.text.strip() if point is not None and point.text and point.get("PointType", "ECTS") == "ECTS"
        else None,
        "eqf_level": eqf,
        "eqf_flag": "inferred" if eqf else None,
        "level_raw": level_key,
        "assessment": _humanise(assessment_key),
        "participation_form": "on-site" if location and location.startswith("Campus") else None,
        "participation_raw": location,
        "quality_assurance": (
            "Accredited Danish university; " + ("external examiner" if evaluation == "GLOB_EXTERN" else "internal examiner")
        ) if evaluation else "Accredited Danish university",
        "prerequisites": prerequisites,
        "duration_raw": duration,
        "runs": [{"schedule": s} for s in schedules],
        "certificate_type": "course diploma (ECTS transcript)",
        "extras": {
            "volume": volume,
            "last_updated": course.get("LastUpdated"),
            "programme_level": level_key,
            "schedule_keys": schedules,
            "evaluation": evaluation,
            "marking_scale": marking,
            "open_university": open_uni is not None and open_uni.get("TaughtUnderOpenUniversity") == "true",
            "course_types": [t for t in types if t],
            "prerequisite_courses": prereq_codes,
            "home_page": home.get("URL") if home is not None else None,
            "contents": contents,
            "course_objectives": objectives,
            "teaching_methods": _txt_section(course, "Teaching_And_Learning_Methods"),
            "remarks": _by_lang(course.findall("DTU_Remark/Txt")) or None,
        },
    }


def _method(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def _year(url: str) -> str | None:
    query = parse_qs(urlsplit(url).query)
    return (query.get("yearGroup") or query.get("Volume") or [None])[0]


def _values(root: etree._Element) -> list[str]:
    """Leaf texts and CourseCode attributes of a list response, whatever its wrapper elements."""
    out = [e.get("CourseCode") for e in root.iter() if isinstance(e.tag, str) and e.get("CourseCode")]
    out += [e.text.strip() for e in root.iter() if isinstance(e.tag, str) and len(e) == 0 and (e.text or "").strip()]
    return list(dict.fromkeys(out))


def course_url(code: str, year: str | None) -> str:
    query = {"courseCode": code, **({"yearGroup": year} if year else {})}
    return f"{SERVICE}/GetCourse?{urlencode(query)}"


def parse(body: bytes, url: str) -> Page:
    root = load_xml(body, "dtu course service")
    page = Page()
    courses = [e for e in root.iter() if isinstance(e.tag, str) and local(e.tag) == "Course" and e.get("CourseCode")]
    if courses:
        seen: set[str] = set()
        for course in courses:
            item = course_item(course)
            sid = item["source_id"]
            if sid in seen:
                page.rejects.append(Reject(SOURCE, sid, "source_id: duplicate course code in one response"))
                continue
            seen.add(sid)
            page.items.append(item)
        return page
    method, year = _method(url), _year(url)
    values = _values(root)
    if method == "GetCourseCodeStartLetters":
        for letters in values:
            query = {"startLetters": letters, **({"yearGroup": year} if year else {})}
            page.follow.append(FollowUp(f"{SERVICE}/GetCoursesByCourseCodeStartingLetters?{urlencode(query)}",
                                        kind="codes"))
        return page
    codes = [v for v in values if _CODE.match(v)]
    if method in ("GetCoursesByCourseCodeStartingLetters", "GetCourseCodes") or codes:
        for code in dict.fromkeys(codes):
            page.follow.append(FollowUp(course_url(code, year), kind="course"))
        page.stats["dtu/course_codes_listed"] = len(codes)
        return page
    if local(root.tag) == "root" and root.find(".//CoursePublished") is None and method == "GetCourse":
        page.stats["dtu/course_not_published"] = 1
        return page
    raise ParseError(f"dtu course service: no course or course list in the document (root <{local(root.tag)}>)")
