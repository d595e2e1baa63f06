-- title: EU standard elements stated
-- about: Share of courses whose listing states each standard element of the EU Council Recommendation on micro-credentials (2022, annex I); a course listed on several sources counts once, by its best source's listing.
-- chart: share
-- requires: offer_completeness
-- empty: No current courses: the warehouse holds no active listing.
select element, round(100.0 * share, 1) as "Percent of courses"
from (
    select
        avg(k.has_title::int) as "Title",
        avg(k.has_awarding_body::int) as "Awarding body",
        avg(k.has_country::int) as "Country of the issuer",
        avg(k.has_learning_outcomes::int) as "Learning outcomes",
        avg(k.has_workload::int) as "Notional workload",
        avg(k.has_eqf_level::int) as "EQF level",
        avg(k.has_assessment::int) as "Type of assessment",
        avg(k.has_participation_form::int) as "Form of participation",
        avg(k.has_quality_assurance::int) as "Quality assurance",
        avg(k.has_prerequisites::int) as "Prerequisites (optional)",
        avg(k.has_stackability::int) as "Stackability (optional)"
    from offer_completeness k
    join report_courses using (source, source_id)
) unpivot (share for element in (columns(*)));
