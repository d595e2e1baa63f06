-- completeness of every build, kept: one row per (build, source, element) with the share of the source's active
-- offers that carry the element ('score' holds the average completeness score). appended each time
-- offer_completeness is built, so that the completeness_not_regressing check can compare a build with the one before
-- it, and analysts can chart completeness over time.
{{ config(materialized='incremental') }}

select
    current_timestamp::timestamp as measured_at,
    source,
    case when measure = 'avg_score' then 'score' else replace(measure, 'share_', '') end as element,
    offers::integer as offers,
    share
from (
    unpivot {{ ref('offer_completeness_by_source') }}
    on columns(* exclude (source, offers))
    into name measure value share
)
