-- which of the eu micro-credential standard elements each offer carries (council recommendation 2022, annex i),
-- and a score: the share of the nine required elements present. prerequisites and stackability are optional
-- elements, counted separately. one row per (source, source_id) of the current offers.
with elements as (
    select
        o.source,
        o.source_id,
        o.provider,
        o.country,
        o.status,
        o.title is not null and o.title <> '' as has_title,
        o.provider is not null and o.provider <> '' as has_awarding_body,
        o.country is not null as has_country,
        coalesce(o.n_learning_outcomes, 0) > 0 as has_learning_outcomes,
        o.ects is not null or o.workload_hours_min is not null as has_workload,
        o.eqf_level is not null as has_eqf_level,
        o.assessment is not null and o.assessment <> '' as has_assessment,
        o.participation_form is not null as has_participation_form,
        o.quality_assurance is not null and o.quality_assurance <> '' as has_quality_assurance,
        o.prerequisites is not null and o.prerequisites <> '' as has_prerequisites,
        (o.stackability is not null and o.stackability <> '') or coalesce(len(o.part_of), 0) > 0 as has_stackability
    from {{ ref('offers') }} o
),
counted as (
    select
        *,
        (has_title::int + has_awarding_body::int + has_country::int + has_learning_outcomes::int + has_workload::int
            + has_eqf_level::int + has_assessment::int + has_participation_form::int + has_quality_assurance::int
        ) as required_present
    from elements
)
select
    *,
    9 as required_total,
    round(required_present / 9.0, 3) as completeness_score,
    has_prerequisites::int + has_stackability::int as optional_present
from counted
