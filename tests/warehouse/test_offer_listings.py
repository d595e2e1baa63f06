"""The analysts' views on a real DuckDB file built by real Dagster runs: one row per cluster in offers_overview,
every listing in offer_listings, canonical provider names with the reason of each merge, the awarding body's
country given or inferred, and the harvest mode of the run that last saw each listing."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pycountry
import pytest
from dagster import materialize

from pipelines.defs.quality import asset_checks, assets
from pipelines.defs.warehouse.assets import warehouse_models, warehouse_models_after_python
from pipelines.resources import WarehouseResource, dbt_resource
from scrapers.landing import LandingRun, record_hash
from scrapers.parsers import dtu
from scrapers.processing import process
from tests.conftest import REPO, SHARED
from tests.warehouse.test_quality_marts import DTU_XML, q
from warehouse import db

SEEDS = REPO / "warehouse" / "dbt" / "seeds"
# edX organisations in the Kaggle edX list that are international bodies with no single country: left unknown.
INTERNATIONAL = {
    "SDG Academy",
    "The International Monetary Fund",
    "Inter-American Development Bank",
    "World Bank Group",
    "The World Wide Web Consortium (W3C)",
    "Amnesty International",
    "The Islamic Research and Training Institute",
    "MandarinX",
    "Catalyst",
}


def _walk(node: Any, key: str | None = None) -> Iterator[str]:
    """Names of edX owners / authoring organisations and Coursera partners anywhere in a JSON response."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, k)
    elif isinstance(node, list):
        for v in node:
            if key in ("owners", "authoring_organizations", "partners.v1") and isinstance(v, dict) and v.get("name"):
                yield str(v["name"]).strip()
            else:
                yield from _walk(v, key)


def platform_partner_names() -> set[str]:
    """Every awarding body named by the edX and Coursera responses of the snapshot and, when present, the corpus."""
    files = [*(REPO / "scrapers/snapshot/edx").glob("*.json"), *(REPO / "scrapers/snapshot/coursera").glob("*.json")]
    corpus = SHARED / "corpus"
    files += [*(corpus / "edx_discovery").glob("*.json"), *(corpus / "coursera_api").glob("*.json")]
    names: set[str] = set()
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        names |= set(_walk(data))
        if path.name.startswith("partners"):  # a partners.v1 response: the partners are its elements
            names |= {str(e["name"]).strip() for e in data.get("elements", []) if e.get("name")}
    rss = corpus / "coursera_api" / "edx_course_feed_rss.xml"
    if rss.exists():
        names |= set(re.findall(r"<course:school>([^<]+)</course:school>", rss.read_text(encoding="utf-8")))
    kaggle = corpus / "edx_kaggle" / "EdX.csv"
    if kaggle.exists():
        with kaggle.open(encoding="utf-8") as fh:
            # single organisations only: the list joins several with '-' and edX keys ('IsraelX-Tel Aviv University')
            names |= {
                r["University"].strip() for r in csv.DictReader(fh) if "-" not in r["University"].replace(" - ", "")
            }
    return names - INTERNATIONAL


PROV = {
    "fetched_at": datetime(2026, 1, 1, tzinfo=UTC).isoformat(),
    "spider": "t",
    "spider_version": "1",
    "raw_sha256": "0" * 64,
}
PARTNERS = sorted(platform_partner_names())


def land(root: Path, source: str, run_id: str, mode: str, items: list[dict[str, Any]]) -> None:
    run = LandingRun(root, source, run_id)
    for item in items:
        item = dict(item, source=source, provenance=dict(PROV))
        record = process(item).model_dump(mode="json")
        record["record_hash"] = record_hash(record)
        run.write_offer(record)
    run.finish({"mcatlas/mode": mode}, "ok")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("listings")
    landing = tmp / "landing"
    dtu_items = [
        dtu.parse(DTU_XML.format(code=code, title=title, objectives=obj).encode(), "u").items[0]
        for code, title, obj in (
            ("02476", "Machine Learning Operations", "Lectures, exercises and a project in groups on MLOps."),
            ("02456", "Deep Learning", "Lectures on deep learning."),
        )
    ]
    futurelearn = [
        {  # the same course as dtu:02476 (linked on title, provider acronym and outcome)
            "source_id": "mlops",
            "title": "Machine learning operations",
            "provider": "DTU",
            "languages": ["English"],
            "participation_form": "online",
            "workload_raw": "5 hours per week",
            "duration_raw": "6 weeks",
            "learning_outcomes": ["Deploy machine learning models in the cloud"],
        },
        {  # a country the source states, which the provider table would put elsewhere: kept as given
            "source_id": "soil",
            "title": "Soil science in the polder",
            "provider": "KU Leuven",
            "country": "NL",
            "languages": ["English"],
        },
    ]
    edx = [
        {
            "source_id": "KULeuvenX+AGRI1x",
            "title": "Sustainable Agriculture in Europe",
            "provider": "KU Leuven",
            "provider_url": "https://www.edx.org/school/kuleuvenx",
            "platform": "edX",
        },
        {
            "source_id": "KULeuvenX+HIST2x",
            "title": "A history of the Low Countries",
            "provider": "KU Leuven University",
            "platform": "edX",
        },
        *(
            {"source_id": f"partner-{i}", "title": f"Partner coverage {i}", "provider": name, "platform": "edX"}
            for i, name in enumerate(PARTNERS)
        ),
    ]
    tudelft = [
        {
            "source_id": "ce-101",
            "title": "Circular Economy for Engineers",
            "provider": "Delft University of Technology (TU Delft)",
            "country": "NL",
            "languages": ["English"],
        }
    ]
    land(landing, "dtu", "20260101T000000000000Z", "snapshot", dtu_items)
    land(landing, "futurelearn", "20260101T000000000000Z", "snapshot", futurelearn)
    land(landing, "edx", "20260101T000000000000Z", "snapshot", edx)
    land(landing, "tudelft_online", "20260101T000000000000Z", "snapshot", tudelft)
    land(landing, "dtu", "20260201T000000000000Z", "live", dtu_items[:1])  # a live run sees 02476 only
    path = tmp / "mcatlas.duckdb"
    with db.connect(path) as con:
        db.load_landing(con, landing, ["dtu", "futurelearn", "edx", "tudelft_online"])
        db.build_core(con)
    resources = {"warehouse": WarehouseResource(path=str(path)), "dbt": dbt_resource()}
    everything = [warehouse_models, *assets, warehouse_models_after_python, *asset_checks]
    assert materialize(everything, resources=resources, raise_on_error=True).success
    return path


def listing(path: Path, source: str, source_id: str, columns: str) -> tuple:
    rows = q(path, f"select {columns} from offer_listings where source = '{source}' and source_id = '{source_id}'")
    assert len(rows) == 1, (source, source_id, rows)
    return rows[0]


def test_the_default_view_counts_each_cluster_once(warehouse):
    clusters = q(warehouse, "select count(distinct cluster_id) from offer_clusters")[0][0]
    offers = q(warehouse, "select count(*) from offers")[0][0]
    rows = q(warehouse, "select count(*), count(distinct cluster_id) from offers_overview")[0]
    assert rows == (clusters, clusters) and clusters < offers
    mlops = q(
        warehouse,
        "select source, source_id, cluster_size, members, provider, country, country_flag from offers_overview "
        "where list_contains(members, 'futurelearn:mlops')",
    )
    assert mlops == [
        ("dtu", "02476", 2, ["dtu:02476", "futurelearn:mlops"], "Technical University of Denmark", "DK", "given")
    ]


def test_every_listing_is_in_the_companion_view_with_its_cluster(warehouse):
    listings = set(q(warehouse, "select source, source_id from offer_listings"))
    assert listings == set(q(warehouse, "select source, source_id from offers"))
    assert len(listings) == q(warehouse, "select count(*) from offer_listings")[0][0]
    dtu_cluster, dtu_rank = listing(warehouse, "dtu", "02476", "cluster_id, cluster_rank")
    fl_cluster, fl_rank = listing(warehouse, "futurelearn", "mlops", "cluster_id, cluster_rank")
    assert dtu_cluster == fl_cluster and (dtu_rank, fl_rank) == (1, 2)
    # the overview names each cluster's rank-1 listing
    assert q(
        warehouse, "select count(*) from offers_overview o anti join offer_listings l using (source, source_id)"
    ) == [(0,)]
    assert q(
        warehouse,
        "select count(*) from offers_overview o join offer_listings l using (source, source_id) "
        "where l.cluster_rank <> 1",
    ) == [(0,)]


def test_edx_country_is_inferred_from_the_provider_table_with_its_reason(warehouse):
    country, flag, reason = listing(warehouse, "edx", "KULeuvenX+AGRI1x", "country, country_flag, country_reason")
    assert (country, flag) == ("BE", "inferred")
    assert reason.startswith("provider table: KU Leuven -> BE") and "kuleuven.be" in reason


def test_every_edx_and_coursera_partner_gets_a_country(warehouse):
    assert len(PARTNERS) >= 10
    missing = q(
        warehouse,
        "select provider_raw, country_reason from offer_listings where source = 'edx' and source_id like 'partner-%' "
        "and (country is null or country_flag <> 'inferred')",
    )
    assert missing == []
    assert q(warehouse, "select count(*) from offer_listings where source_id like 'partner-%'")[0][0] == len(PARTNERS)


def test_a_given_country_is_never_replaced(warehouse):
    # the provider table says BE for KU Leuven, the source says NL: NL stays, flagged given
    assert listing(warehouse, "futurelearn", "soil", "country, country_flag, country_reason") == (
        "NL",
        "given",
        "stated by the source",
    )
    assert listing(warehouse, "dtu", "02476", "country, country_flag") == ("DK", "given")
    assert listing(warehouse, "tudelft_online", "ce-101", "country, country_flag") == ("NL", "given")
    stated = dict(q(warehouse, "select source || ':' || source_id, country from offers where country is not null"))
    shown = dict(q(warehouse, "select source || ':' || source_id, country from offer_listings"))
    assert {k: shown[k] for k in stated} == stated


def test_provider_merges_are_recorded_with_their_reason(warehouse):
    rule = q(
        warehouse,
        "select provider, merged, merge_reason from provider_names "
        "where provider_raw = 'Delft University of Technology (TU Delft)'",
    )
    assert rule[0][:2] == ("Delft University of Technology", True) and '"(TU Delft)" dropped' in rule[0][2]
    assert listing(warehouse, "tudelft_online", "ce-101", "provider, provider_raw") == (
        "Delft University of Technology",
        "Delft University of Technology (TU Delft)",
    )
    alias = q(
        warehouse, "select provider, merge_reason from provider_names where provider_raw = 'KU Leuven University'"
    )
    assert alias[0][0] == "KU Leuven" and alias[0][1].startswith("alias table: KU Leuven University -> KU Leuven (")
    # the merged name finds the country of the canonical body
    assert listing(warehouse, "edx", "KULeuvenX+HIST2x", "provider, country, country_flag") == (
        "KU Leuven",
        "BE",
        "inferred",
    )
    assert q(warehouse, "select count(*) from provider_names where merged and merge_reason is null") == [(0,)]
    assert q(warehouse, "select count(*) from provider_names where not merged and provider <> provider_raw") == [(0,)]


def test_harvest_mode_is_the_mode_of_the_run_that_last_saw_the_listing(warehouse):
    assert listing(warehouse, "dtu", "02476", "harvest_mode") == ("live",)
    assert listing(warehouse, "dtu", "02456", "harvest_mode") == ("snapshot",)
    assert listing(warehouse, "futurelearn", "mlops", "harvest_mode") == ("snapshot",)
    modes = dict(q(warehouse, "select source || ':' || source_id, harvest_mode from offers_overview"))
    assert modes["dtu:02476"] == "live"  # its cluster was last seen live
    assert set(modes.values()) == {"snapshot", "live"}


def test_seeds_hold_iso_countries_and_single_step_aliases():
    with (SEEDS / "provider_countries.csv").open(encoding="utf-8") as fh:
        countries = list(csv.DictReader(fh))
    assert countries and all(pycountry.countries.get(alpha_2=r["country"]) for r in countries)
    assert all(r["fact_source"].strip() for r in countries)
    with (SEEDS / "provider_aliases.csv").open(encoding="utf-8") as fh:
        aliases = list(csv.DictReader(fh))
    names = {r["alias"] for r in aliases}
    assert all(r["reason"].strip() and r["canonical"] not in names for r in aliases)
    known = {r["provider"] for r in countries}
    # every alias leads to a body whose country is known
    assert {r["canonical"] for r in aliases} <= known
