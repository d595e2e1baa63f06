"""Key checks on the tables Python writes (dbt tests the models' keys, see warehouse/dbt/models/**.yml)."""

from dagster import AssetCheckResult, AssetChecksDefinition, AssetKey, AssetsDefinition, asset_check

from pipelines.defs.warehouse.assets import raw_offers
from pipelines.resources import WarehouseResource
from warehouse.db import scalar


def key_check(asset_def: AssetsDefinition | AssetKey, table: str, key: list[str]) -> AssetChecksDefinition:
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


warehouse_checks = [
    key_check(raw_offers, "raw_offers", ["source", "source_id", "record_hash"]),
]
