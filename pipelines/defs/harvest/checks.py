"""Checks on the harvest assets."""

from dagster import AssetCheckResult, AssetChecksDefinition, AssetCheckSeverity, asset_check

from pipelines.defs.harvest.assets import harvest_assets


def _no_errors_check(asset_def) -> AssetChecksDefinition:  # noqa: ANN001
    @asset_check(
        asset=asset_def,
        name="harvest_without_errors",
        blocking=False,
        description="The latest harvest met no HTTP, timeout or parse errors.",
    )
    def _check(context) -> AssetCheckResult:  # noqa: ANN001
        event = context.instance.get_latest_materialization_event(asset_def.key)
        meta = event.asset_materialization.metadata if event and event.asset_materialization else {}
        errors = meta["errors"].value if "errors" in meta else 0
        return AssetCheckResult(passed=errors == 0, severity=AssetCheckSeverity.WARN, metadata={"errors": errors})

    return _check


harvest_checks = [_no_errors_check(a) for a in harvest_assets]
