"""Key checks on the core tables: unique and not null, as every table's key must be."""

from dagster import AssetCheckResult, AssetChecksDefinition, AssetsDefinition, asset_check

from models.offer import ECTS_FLAGS, EQF_FLAGS, PARTICIPATION_FORMS
from pipelines.defs.warehouse.assets import learning_outcomes, offers, raw_offers
from pipelines.resources import WarehouseResource
from warehouse.db import scalar


def key_check(asset_def: AssetsDefinition, table: str, key: list[str]) -> AssetChecksDefinition:
    """A blocking check that `key` is unique and never null in `table` (every table's key is tested)."""
    cols = ", ".join(key)
    nulls = " or ".join(f"{k} is null" for k in key)

    @asset_check(
        asset=asset_def,
        name=f"{table}_key_unique_not_null",
        blocking=True,
        description=f"({cols}) is unique and never null in {table}.",
    )
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            dupes = scalar(con, f"select count(*) from (select {cols} from {table} group by all having count(*) > 1)")
            null_rows = scalar(con, f"select count(*) from {table} where {nulls}")
        return AssetCheckResult(
            passed=dupes == 0 and null_rows == 0, metadata={"duplicate_keys": dupes, "null_keys": null_rows}
        )

    return _check


@asset_check(
    asset=learning_outcomes,
    name="outcomes_belong_to_offers",
    blocking=True,
    description="Every learning outcome belongs to an offer.",
)
def outcomes_belong_to_offers(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        orphans = scalar(con, "select count(*) from learning_outcomes l anti join offers o using (source, source_id)")
    return AssetCheckResult(passed=orphans == 0, metadata={"orphans": orphans})


@asset_check(
    asset=raw_offers,
    name="harvests_not_collapsing",
    blocking=False,
    description="No source's latest complete harvest holds less than `collapse_ratio` of the previous one's "
    "offers (such a harvest withdraws nothing, and this check fails so someone looks at the source).",
)
def harvests_not_collapsing(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        rows = con.execute(
            "select source, offers, previous_ok_offers from int_harvest_runs "
            "qualify row_number() over (partition by source order by run_time desc) = 1 and is_collapsed"
        ).fetchall()
    collapsed = {src: f"{n} offers after {prev}" for src, n, prev in rows}
    return AssetCheckResult(passed=not collapsed, metadata={"collapsed_sources": collapsed})


ACCEPTED_VALUES = {  # the schema's Literals (models/offer.py), not copies of them
    "participation_form": PARTICIPATION_FORMS,
    "ects_flag": ECTS_FLAGS,
    "eqf_flag": EQF_FLAGS,
    "status": ("active", "withdrawn"),
}


@asset_check(
    asset=offers,
    name="offers_accepted_values",
    blocking=True,
    description="Enumerated columns hold only their documented values; EQF levels are 1-8.",
)
def offers_accepted_values(warehouse: WarehouseResource) -> AssetCheckResult:
    bad: dict[str, int] = {}
    with warehouse.connect(read_only=True) as con:
        for column, values in ACCEPTED_VALUES.items():
            allowed = ", ".join(f"'{v}'" for v in values)
            n = scalar(con, f"select count(*) from offers where {column} not in ({allowed})")
            if n:
                bad[column] = n
        n = scalar(con, "select count(*) from offers where eqf_level not between 1 and 8")
        if n:
            bad["eqf_level"] = n
    return AssetCheckResult(passed=not bad, metadata={"violations": bad})


warehouse_checks = [
    harvests_not_collapsing,
    offers_accepted_values,
    key_check(raw_offers, "raw_offers", ["source", "source_id", "record_hash"]),
    key_check(offers, "offers", ["source", "source_id"]),
    key_check(learning_outcomes, "learning_outcomes", ["outcome_id"]),
    outcomes_belong_to_offers,
]
