"""Checks on the skill tables: keys unique and not null, matches point at known skills, every outcome accounted."""

from __future__ import annotations

from dagster import AssetCheckResult, asset_check

from pipelines.defs.skills.assets import esco_skills, offer_skills, outcome_skills
from pipelines.defs.warehouse.checks import key_check
from pipelines.resources import WarehouseResource
from warehouse.db import scalar


@asset_check(
    asset=outcome_skills,
    name="outcome_skills_known_skills",
    blocking=True,
    description="Every matched skill exists in esco_skills for the match's ESCO version.",
)
def outcome_skills_known_skills(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect() as con:
        unknown = scalar(
            con,
            "select count(*) from outcome_skills o anti join esco_skills e "
            "on e.uri = o.skill_uri and e.esco_version = o.esco_version",
        )
    return AssetCheckResult(passed=unknown == 0, metadata={"unknown_skills": unknown})


@asset_check(
    asset=outcome_skills,
    name="outcome_skills_every_outcome_has_status",
    blocking=False,
    description="Every learning outcome is mapped, or marked not_mapped_language / invalid with a reason; "
    "scores lie in a sane range and ranks start at 1.",
)
def outcome_skills_every_outcome_has_status(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect() as con:
        missing = scalar(
            con, "select count(*) from learning_outcomes l anti join outcome_skill_status s using (outcome_id)"
        )
        bad_scores = scalar(
            con, "select count(*) from outcome_skills where rank > 0 and (score is null or score < 0 or score > 1)"
        )
        by_status = dict(con.execute("select status, count(*) from outcome_skill_status group by 1").fetchall())
    return AssetCheckResult(
        passed=missing == 0 and bad_scores == 0,
        metadata={"outcomes_without_status": missing, "bad_scores": bad_scores, "by_status": by_status},
    )


skills_checks = [
    key_check(esco_skills, "esco_skills", ["esco_version", "uri"]),
    key_check(outcome_skills, "outcome_skills", ["outcome_id", "skill_uri"]),
    key_check(offer_skills, "offer_skills", ["source", "source_id", "skill_uri"]),
    outcome_skills_known_skills,
    outcome_skills_every_outcome_has_status,
]
