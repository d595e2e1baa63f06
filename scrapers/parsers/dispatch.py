"""Shape dispatch: a platform parser handed another platform's recorded response still reads it.

`mcatlas parse coursera FILE` may be given any MOOC catalogue recording; each parser first tries its own
format and then asks here, which tries the other platform parsers' `parse_data` (None = not my shape).
Only a document no parser recognises is a `ParseError`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from scrapers.parsers.base import Page, ParseError

# Most specific shapes first: each `parse_data` returns None unless the document is its own format.
PARSERS = ("coursera", "edx", "moochub", "futurelearn", "iversity", "udacity", "ooapi")
# ooapi: only its Pagination envelope (`pageSize`, `pageNumber`, `hasNextPage`, `items`) or a course / offering object.


def fallback(data: Any, url: str, message: str, skip: str) -> Page:
    """The first other parser that recognises `data`; otherwise `ParseError(message)`."""
    for name in PARSERS:
        if name == skip:
            continue
        module = importlib.import_module(f"scrapers.parsers.{name}")
        page = module.parse_data(data, url)
        if page is not None:
            page.stats[f"dispatch/{name}"] = 1
            return page
    raise ParseError(message)


def own_or_other(parse_data: Callable[[Any, str], Page | None], data: Any, url: str, message: str, skip: str) -> Page:
    """The parser's own `parse_data` page where `data` is its format, else the first other parser's (`fallback`)."""
    page = parse_data(data, url)
    return page if page is not None else fallback(data, url, message, skip)


# XML formats claimed on a positive signature only: the root element's name in its namespace. A root matching none
# of these is not claimed (its parser reads it as before, or refuses it). ELM 3's LOQ XML (`Courses` in
# http://data.europa.eu/snb/model/ap/loq-constraints/) needs no entry: the ELM parser reads it by default.
_EDCI_NAMESPACES = (
    "http://data.europa.eu/snb",
    "http://data.europa.eu/europass/model/credentials#",
    "http://data.europa.eu/europass/model/credentials/w3c#",
)
XML_SIGNATURES: dict[tuple[str, str], str] = {
    **{(ns, "europassCredential"): "europass_credential" for ns in _EDCI_NAMESPACES},
    **{(ns, "learningOpportunities"): "europass_qdr" for ns in _EDCI_NAMESPACES},
    # XCRI-CAP 1.1 (the profile before 1.2's `http://xcri.org/profiles/1.2/catalog`, which xcri_cap reads by default)
    ("http://xcri.org/profiles/catalog", "catalog"): "xcri_cap_1_1",
    # LHÉO, France's training-offer exchange standard: 1.3 (its examples) and 2.3 (its definition's namespace)
    ("http://www.lheo.org/1.3.0", "lheo"): "lheo_1_3",
    ("http://lheo.gouv.fr/2.3", "lheo"): "lheo_2_3",
    # CDM-fr, the French profile of the CEN Course Description Metadata (ROF exports of French universities)
    ("http://cdm-fr.fr/2006/CDM-frSchema", "CDM"): "cdm_fr",
    # Erasmus Without Paper, stable-v1: the Courses API and the Simple Course Replication API (scrapers/parsers/ewp.py)
    (
        "https://github.com/erasmus-without-paper/ewp-specs-api-courses/tree/stable-v1",
        "courses-response",
    ): "ewp_courses",
    (
        "https://github.com/erasmus-without-paper/ewp-specs-api-course-replication/tree/stable-v1",
        "course-replication-response",
    ): "ewp_course_replication",
}


def xml_signature(tag: str) -> str | None:
    """The format a root element `{namespace}name` positively signs, or None (no namespace signs nothing)."""
    if not tag.startswith("{"):
        return None
    namespace, _, name = tag[1:].partition("}")
    return XML_SIGNATURES.get((namespace.rstrip("/"), name))
