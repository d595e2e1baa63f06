"""Mon Compte Formation: France's catalogue of training offers eligible for the personal training account (CPF), as
the Caisse des Dépôts publishes it on its Opendatasoft portal (dataset `moncompteformation_catalogueformation`).

Read through the Opendatasoft explore API v2.1: the paged JSON `records` endpoint (`{"total_count", "results"}`;
`limit` at most 100, and `offset + limit` at most 10,000, the API's window) and the dataset's exports (`exports/csv`,
`;`-separated with a header of field names; `exports/json`, a list of records). The v2.0 (`records[].record.fields`)
and v1 (`records[].fields`, `nhits`) shapes of the same records read the same way. Paging follows `offset` while
records remain inside the window; a dataset larger than the window is harvested from its CSV export instead (the
first page's records are kept; the export repeats them and the item chain lands each id once).

A document is claimed only when its records carry the dataset's own fields (`numero_formation` or
`intitule_formation`); anything else is a one-line ParseError. One item per record (one training offer of one
provider, its actions summarised by the dataset: hours and prices as min / max / mean, the number of actions and of
those at a distance). Values as the dataset gives them: the exit level label (`libelle_niveau_sortie_formation`,
read by the normaliser as a level of France's 2019 national framework, `extras.level_framework`), hours and prices
(`workload_hours_min/max`, `price_raw` "490 € à 1200 € TTC"), the share of actions at a distance as the source's
words with the form each names (`extras.participation_forms`). The texts are French; the teaching language is not in
the dataset. The dataset holds no contact data; e-mail addresses and phone numbers written into `points_forts` are
scrubbed all the same (fr_text.scrubber), and mojibake is repaired and recorded as for LHÉO.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from models.normalise.levels_fr import CNCP
from models.offer import form_vocabulary
from scrapers.parsers.base import FollowUp, Page, ParseError, load_json, too_deep_is_parse_error
from scrapers.parsers.common import parse_records, text, with_query
from scrapers.parsers.fr_text import reflow, repair, scrubber

SOURCE = "moncompteformation"
DATASET = "moncompteformation_catalogueformation"
PLATFORM = "Mon Compte Formation"
WINDOW = 10_000  # Opendatasoft v2.1: offset + limit of a records query may not exceed this
MAX_LIMIT = 100
SIGNATURE = ("numero_formation", "intitule_formation")
FORMS = form_vocabulary(
    {
        "actions à distance": "online",
        "actions en présentiel": "on-site",
    }
)
# the dataset's fields this parser maps; every other field of a record is kept in extras.other_fields
KNOWN = {
    "numero_formation",
    "intitule_formation",
    "points_forts",
    "nom_of",
    "siret",
    "type_referentiel",
    "code_inventaire",
    "code_rncp",
    "intitule_certification",
    "libelle_niveau_sortie_formation",
    "code_certifinfo",
    "libelle_code_formacode_principal",
    "nb_action",
    "nb_session_a_distance",
    "nombre_heures_total_min",
    "nombre_heures_total_max",
    "nombre_heures_total_mean",
    "frais_ttc_tot_min",
    "frais_ttc_tot_max",
    "frais_ttc_tot_mean",
    "code_departement",
    "nom_departement",
    "code_region",
    "nom_region",
    "date_extract",
    *(f"code_formacode_{i}" for i in range(1, 6)),
    *(f"code_nsf_{i}" for i in range(1, 4)),
    *(f"libelle_nsf_{i}" for i in range(1, 4)),
}
_ARABIC_LEVEL = re.compile(r"\bniveau\s+[1-8]\b", re.IGNORECASE)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    raw = str(value).strip().replace(",", ".")
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number >= 0 and number == int(number) else None


class _Texts:
    """The record's free texts: mojibake repaired (and recorded per field), contact data scrubbed."""

    def __init__(self) -> None:
        self.scrub = scrubber()
        self.repaired: list[str] = []

    def __call__(self, record: dict[str, Any], key: str, scrub: bool = True) -> str | None:
        raw = record.get(key)
        value = "; ".join(t for t in (text(v) for v in raw) if t) if isinstance(raw, list) else text(raw)
        if not value:
            return None
        value, fixed = repair(value)
        if fixed and key not in self.repaired:
            self.repaired.append(key)
        value = reflow(value) or value
        return self.scrub(value) if scrub else value


def _sid(record: dict[str, Any]) -> str | None:
    """`numero_formation`, prefixed with the provider's SIRET unless it already starts with it: numbers are the
    providers' own, so the SIRET keeps two providers' offers apart."""
    number, siret = text(record.get("numero_formation")), text(record.get("siret"))
    if not number:
        return None
    return number if not siret or number.startswith(siret) else f"{siret}_{number}"


def _participation(actions: int | None, remote: int | None) -> tuple[str | None, dict[str, Any] | None]:
    """(the dataset's words, the forms they name): how many of the offer's actions are at a distance."""
    if actions is None or remote is None or actions <= 0 or remote > actions:
        return None, None
    words = f"{remote} actions à distance sur {actions}"
    forms: dict[str, Any] = {}
    if remote:
        forms["actions à distance"] = FORMS["actions à distance"]
    if remote < actions:
        forms["actions en présentiel"] = FORMS["actions en présentiel"]
    return words, forms


def _price(low: float | None, high: float | None) -> str | None:
    if low is None and high is None:
        return None
    low, high = (low if low is not None else high), (high if high is not None else low)
    if low == high:
        return f"{low:g} € TTC"
    return f"{low:g} € à {high:g} € TTC"


def record_item(record: dict[str, Any]) -> dict[str, Any]:
    """One catalogue record as an item of values as the dataset gives them."""
    texts = _Texts()
    title = texts(record, "intitule_formation")
    description = texts(record, "points_forts")
    level = texts(record, "libelle_niveau_sortie_formation", scrub=False)
    certification = texts(record, "intitule_certification")
    referential = (text(record.get("type_referentiel")) or "").upper()
    code = text(record.get("code_inventaire")) or text(record.get("code_rncp"))
    actions, remote = _count(record.get("nb_action")), _count(record.get("nb_session_a_distance"))
    participation, forms = _participation(actions, remote)
    hours = [_number(record.get(k)) for k in ("nombre_heures_total_min", "nombre_heures_total_max")]
    fees = [_number(record.get(k)) for k in ("frais_ttc_tot_min", "frais_ttc_tot_max")]
    subjects = [texts(record, k, scrub=False) for k in ("libelle_code_formacode_principal", "libelle_nsf_1")]
    subjects += [texts(record, f"libelle_nsf_{i}", scrub=False) for i in (2, 3)]
    others = {k: v for k, v in record.items() if k not in KNOWN and not k.startswith("_") and v not in (None, "", [])}
    qa = None
    if code and referential in ("RNCP", "RS"):
        register = "national register RNCP" if referential == "RNCP" else "répertoire spécifique"
        qa = f"certification registered in France's {register} ({referential}{code.removeprefix(referential)})"
    return {
        "source_id": _sid(record),
        "title": title,
        "title_lang": "fr" if title else None,
        "titles": {"fr": title} if title else {},
        "description": description,
        "provider": texts(record, "nom_of", scrub=False),
        "platform": PLATFORM,
        "languages": [],
        "level_raw": level,
        "certificate_type": certification if certification and len(certification) <= 300 else None,
        "quality_assurance": qa,
        "participation_raw": participation,
        "workload_hours_min": hours[0],
        "workload_hours_max": hours[1],
        "price_raw": _price(*fees),
        "subjects": list(dict.fromkeys(s for s in subjects if s)),
        "extras": {
            "siret": text(record.get("siret")),
            "numero_formation": text(record.get("numero_formation")),
            "level_framework": CNCP if level and _ARABIC_LEVEL.search(level) else None,
            "certification": {
                "referential": referential or None,
                "code": code,
                "title": certification,
                "certifinfo": text(record.get("code_certifinfo")),
            }
            if code or certification
            else None,
            "formacode": [c for i in range(1, 6) if (c := text(record.get(f"code_formacode_{i}")))] or None,
            "nsf": [c for i in range(1, 4) if (c := text(record.get(f"code_nsf_{i}")))] or None,
            "actions": actions,
            "actions_at_a_distance": remote,
            "participation_forms": forms or None,
            "hours_mean": _number(record.get("nombre_heures_total_mean")),
            "fees_ttc_eur": {
                k: v
                for k, v in (
                    ("min", fees[0]),
                    ("max", fees[1]),
                    ("mean", _number(record.get("frais_ttc_tot_mean"))),
                )
                if v is not None
            }
            or None,
            "place": {
                k: v
                for k, v in (
                    ("department", text(record.get("code_departement"))),
                    ("department_name", text(record.get("nom_departement"))),
                    ("region", text(record.get("code_region"))),
                    ("region_name", text(record.get("nom_region"))),
                )
                if v
            }
            or None,
            "extracted_on": text(record.get("date_extract")),
            "other_fields": {k: v for k, v in others.items() if isinstance(v, str | int | float | bool)} or None,
            "text_repaired": {
                "fields": texts.repaired,
                "repair": "double-encoded UTF-8 (mojibake) decoded again (ftfy.fix_encoding)",
            }
            if texts.repaired
            else None,
        },
    }


def _records(data: Any) -> tuple[list[Any], int | None, str]:
    """(records, total count, shape) of any Opendatasoft shape of the dataset; ParseError for anything else."""
    if isinstance(data, list):
        return data, None, "export_json"
    if not isinstance(data, dict):
        raise ParseError("mon compte formation: expected an Opendatasoft records response (JSON object or list)")
    if "error_code" in data or ("message" in data and not ({"results", "records"} & data.keys())):
        message = " ".join(str(data.get("message") or data.get("error_code")).split())[:200]
        raise ParseError(f"mon compte formation: the API answered with an error ({message})")
    total = data.get("total_count", data.get("nhits"))
    total = total if isinstance(total, int) and not isinstance(total, bool) else None
    if isinstance(data.get("results"), list):
        return data["results"], total, "v2.1"
    if isinstance(data.get("records"), list):
        rows = data["records"]
        if all(isinstance(r, dict) and isinstance(r.get("record"), dict) for r in rows):
            return [r["record"].get("fields", r["record"]) for r in rows], total, "v2.0"
        return [r.get("fields") if isinstance(r, dict) and "fields" in r else r for r in rows], total, "v1"
    raise ParseError("mon compte formation: no `results` or `records` array in the response")


def _csv_records(body: bytes) -> list[dict[str, Any]]:
    text_body = body.decode("utf-8-sig", errors="replace")
    head = text_body.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=head.count)
    reader = csv.DictReader(io.StringIO(text_body, newline=""), delimiter=delimiter)
    fields = [f.strip() for f in reader.fieldnames or []]
    if not set(SIGNATURE) & set(fields):
        raise ParseError(
            f"mon compte formation: not the {DATASET} export (no numero_formation or intitule_formation column)"
        )
    reader.fieldnames = fields
    return [{k: v for k, v in row.items() if k is not None and v not in (None, "")} for row in reader]


def export_url(url: str) -> str | None:
    """The dataset's CSV export beside a `records` URL (v2.1 or v2.0), or None for another URL."""
    parts = urlsplit(url)
    if not parts.path.endswith("/records"):
        return None
    path = parts.path[: -len("/records")] + "/exports/csv"
    return urlunsplit((parts.scheme, parts.netloc, path, "delimiter=%3B", ""))


def _follow(page: Page, url: str, count: int, total: int | None) -> None:
    """The next page inside the API's window, or the export when the dataset does not fit in it."""
    query = dict(parse_qsl(urlsplit(url).query))
    offset = _count(query.get("offset")) or 0
    limit = min(_count(query.get("limit")) or 10, MAX_LIMIT)
    if total is None or count == 0 or offset + count >= total:
        return
    if total > WINDOW:
        export = export_url(url)
        if offset == 0 and export:
            page.stats["moncompteformation/export_instead_of_paging"] = 1
            page.follow.append(FollowUp(export, kind="export"))
        return
    page.follow.append(FollowUp(with_query(url, offset=offset + count, limit=limit), kind="page"))


@too_deep_is_parse_error("mon compte formation")
def parse(body: bytes, url: str) -> Page:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not head:
        raise ParseError("mon compte formation: empty response body")
    page = Page()
    total: int | None
    if head in (b"{", b"["):
        records, total, shape = _records(load_json(body, "mon compte formation"))
        rows = [r for r in records if isinstance(r, dict)]
        if rows and not any(set(SIGNATURE) & r.keys() for r in rows):
            raise ParseError(f"mon compte formation: not the {DATASET} dataset (no numero_formation field)")
    elif head == b"<":
        raise ParseError("mon compte formation: expected JSON or CSV but got markup (an HTML error page?)")
    else:
        records, total, shape = _csv_records(body), None, "export_csv"
    page.stats[f"moncompteformation/shape/{shape}"] = 1
    parse_records(page, SOURCE, records, record_item, _sid)
    page.stats["moncompteformation/records"] = len(records)
    repaired = sum(1 for item in page.items if item["extras"].get("text_repaired"))
    if repaired:
        page.stats["moncompteformation/mojibake_repaired"] = repaired
    if shape in ("v2.1", "v2.0", "v1"):
        _follow(page, url, len(records), total)
    if not records:  # an export or a page inside a non-empty dataset must hold records
        page.stats["errors/empty_results" if total or shape.startswith("export") else "paging/no_results"] = 1
    return page
