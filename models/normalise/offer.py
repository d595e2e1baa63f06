"""Apply the normalisation rules to one parsed item (a dict of Offer fields, values as given)."""

from __future__ import annotations

from typing import Any

from models.normalise.languages import to_iso639_1


def normalise_item(item: dict[str, Any]) -> dict[str, Any]:
    """Map as-given values onto the schema's normalised fields; raw values stay in the `*_raw` fields."""
    langs = [to_iso639_1(v) for v in item.get("languages") or []]
    item["languages"] = [v for v in dict.fromkeys(langs) if v]
    if item.get("title_lang"):
        item["title_lang"] = to_iso639_1(item["title_lang"])
    if item.get("titles"):
        item["titles"] = {to_iso639_1(k) or k: v for k, v in item["titles"].items() if v}
    for outcome in item.get("learning_outcomes") or []:
        if outcome.get("lang"):
            outcome["lang"] = to_iso639_1(outcome["lang"])
    if item.get("country"):
        item["country"] = str(item["country"]).strip().upper()
    if item.get("ects") is not None and not item.get("ects_flag"):
        item["ects"] = float(str(item["ects"]).replace(",", "."))
        item["ects_flag"] = "given"
    if item.get("eqf_level") is not None and not item.get("eqf_flag"):
        item["eqf_flag"] = "given"
    return item
