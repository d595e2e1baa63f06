-- title: EU standard elements stated
-- about: share of current offers that state each standard element of the council recommendation on micro-credentials (2022, annex i).
-- chart: share
-- requires: offer_completeness
select element, round(100.0 * share, 1) as percent_of_offers
from (
    select
        avg(has_title::int) as "title",
        avg(has_awarding_body::int) as "awarding body",
        avg(has_country::int) as "country of the issuer",
        avg(has_learning_outcomes::int) as "learning outcomes",
        avg(has_workload::int) as "notional workload",
        avg(has_eqf_level::int) as "eqf level",
        avg(has_assessment::int) as "type of assessment",
        avg(has_participation_form::int) as "form of participation",
        avg(has_quality_assurance::int) as "quality assurance",
        avg(has_prerequisites::int) as "prerequisites (optional)",
        avg(has_stackability::int) as "stackability (optional)"
    from offer_completeness
    where status = 'active'
) unpivot (share for element in (columns(*)));
