-- the current version of every listing ever loaded. a listing that a complete harvest no longer shows is
-- marked withdrawn, never deleted; failed, partial, empty or collapsed harvests change nothing.
with current_version as (
    select *
    from {{ ref('offer_versions') }}
    qualify row_number() over (partition by source, source_id order by version_no desc) = 1
),
seen as (
    select source, source_id, min(valid_from) as first_seen_at, max(last_seen_at) as last_seen_at
    from {{ ref('offer_versions') }}
    group by all
)
select
    s.* exclude (learning_outcomes_json),
    seen.first_seen_at,
    seen.last_seen_at,
    c.valid_from as version_valid_from,
    case when c.withdrawn then 'withdrawn' else 'active' end as status,
    c.withdrawn_at
from current_version c
join {{ ref('stg_offers') }} s using (source, source_id, record_hash)
join seen using (source, source_id)
