"""Key checks on the core tables: unique and not null, as every table's key must be."""


from dagster import AssetCheckResult, AssetChecksDefinition, asset_check

from pipelines.defs.warehouse.assets import learning_outcomes, offers, raw_offers
from pipelines.resources import WarehouseResource


def key_check(asset_def, table: str, key: list[str]) -> AssetChecksDefinition:  # noqa: ANN001
    cols = ", ".join(key)
    nulls = " or ".join(f"{k} is null" for k in key)

    @asset_check(asset=asset_def, name=f"{table}_key_unique_not_null", blocking=True,
                 description=f"({cols}) is unique and never null in {table}.")
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.connect(read_only=True) as con:
            dupes = con.execute(
                f"select count(*) from (select {cols} from {table} group by all having count(*) > 1)"
            ).fetchone()[0]
            null_rows = con.execute(f"select count(*) from {table} where {nulls}").fetchone()[0]
        return AssetCheckResult(passed=dupes == 0 and null_rows == 0,
                                metadata={"duplicate_keys": dupes, "null_keys": null_rows})

    return _check


@asset_check(asset=learning_outcomes, name="outcomes_belong_to_offers", blocking=True,
             description="Every learning outcome belongs to an offer.")
def outcomes_belong_to_offers(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        orphans = con.execute(
            "select count(*) from learning_outcomes l anti join offers o using (source, source_id)"
        ).fetchone()[0]
    return AssetCheckResult(passed=orphans == 0, metadata={"orphans": orphans})


warehouse_checks = [
    key_check(raw_offers, "raw_offers", ["source", "source_id", "record_hash"]),
    key_check(offers, "offers", ["source", "source_id"]),
    key_check(learning_outcomes, "learning_outcomes", ["outcome_id"]),
    outcomes_belong_to_offers,
]
