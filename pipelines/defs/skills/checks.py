"""Checks on the skill tables: keys unique and not null, matches point at known skills, every outcome accounted."""

from __future__ import annotations

from dagster import AssetCheckResult, AssetChecksDefinition, AssetsDefinition, asset_check

from pipelines.defs.skills.assets import esco_skills, offer_skills, outcome_skills
from pipelines.resources import WarehouseResource


def key_check(asset_def: AssetsDefinition, table: str, key: list[str]) -> AssetChecksDefinition:
    cols = ", ".join(key)
    nulls = " or ".join(f"{k} is null" for k in key)

    @asset_check(asset=asset_def, name=f"{table}_key_unique_not_null", blocking=True,
                 description=f"({cols}) is unique and never null in {table}.")
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        with warehouse.connect() as con:
            dupes = con.execute(
                f"select count(*) from (select {cols} from {table} group by all having count(*) > 1)"
            ).fetchone()[0]
            null_rows = con.execute(f"select count(*) from {table} where {nulls}").fetchone()[0]
        return AssetCheckResult(passed=dupes == 0 and null_rows == 0,
                                metadata={"duplicate_keys": dupes, "null_keys": null_rows})

    return _check


@asset_check(asset=outcome_skills, name="outcome_skills_known_skills", blocking=True,
             description="Every matched skill exists in esco_skills for the match's ESCO version.")
def outcome_skills_known_skills(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect() as con:
        unknown = con.execute(
            "select count(*) from outcome_skills o anti join esco_skills e "
            "on e.uri = o.skill_uri and e.esco_version = o.esco_version"
        ).fetchone()[0]
    return AssetCheckResult(passed=unknown == 0, metadata={"unknown_skills": unknown})


@asset_check(asset=outcome_skills, name="outcome_skills_every_outcome_has_status", blocking=False,
             description="Every learning outcome is mapped, or marked not_mapped_language / invalid with a reason; "
             "scores lie in a sane range and ranks start at 1.")
def outcome_skills_every_outcome_has_status(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect() as con:
        missing = con.execute(
            "select count(*) from learning_outcomes l anti join outcome_skill_status s using (outcome_id)"
        ).fetchone()[0]
        bad_scores = con.execute(
            "select count(*) from outcome_skills where rank > 0 and (score is null or score < -1 or score > 2)"
        ).fetchone()[0]
        by_status = dict(con.execute("select status, count(*) from outcome_skill_status group by 1").fetchall())
    return AssetCheckResult(passed=missing == 0 and bad_scores == 0,
                            metadata={"outcomes_without_status": missing, "bad_scores": bad_scores,
                                      "by_status": by_status})


skills_checks = [
    key_check(esco_skills, "esco_skills", ["esco_version", "uri"]),
    key_check(outcome_skills, "outcome_skills", ["outcome_id", "skill_uri"]),
    key_check(offer_skills, "offer_skills", ["source", "source_id", "skill_uri"]),
    outcome_skills_known_skills,
    outcome_skills_every_outcome_has_status,
]
