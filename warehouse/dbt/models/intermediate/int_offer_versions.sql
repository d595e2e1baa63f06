-- one row per version of a listing: valid from the run that first showed this content, valid to the run that
-- showed other content, or to the first complete run that no longer listed it (then it was withdrawn).
with sightings as (
    select s.source, s.source_id, s.record_hash, r.run_time
    from {{ source('raw', 'raw_sightings') }} s
    join {{ ref('int_harvest_runs') }} r using (source, run_id)
),
changes as (
    select
        *,
        lag(record_hash) over (partition by source, source_id order by run_time) as previous_hash
    from sightings
),
numbered as (
    select
        *,
        sum(case when previous_hash is distinct from record_hash then 1 else 0 end) over (
            partition by source, source_id order by run_time
        ) as version_no
    from changes
),
versions as (
    select
        source,
        source_id,
        version_no,
        any_value(record_hash) as record_hash,
        min(run_time) as valid_from,
        max(run_time) as last_seen_at
    from numbered
    group by all
),
with_next as (
    select
        *,
        lead(valid_from) over (partition by source, source_id order by version_no) as next_valid_from
    from versions
)
select
    v.source,
    v.source_id,
    v.version_no::integer as version_no,
    v.record_hash,
    v.valid_from,
    v.last_seen_at,
    coalesce(v.next_valid_from, w.withdrawn_at) as valid_to,
    v.next_valid_from is null and w.withdrawn_at is not null as withdrawn,
    case when v.next_valid_from is null then w.withdrawn_at end as withdrawn_at
from with_next v
left join lateral (
    select min(r.run_time) as withdrawn_at
    from {{ ref('int_harvest_runs') }} r
    where r.source = v.source and r.is_complete and r.run_time > v.last_seen_at
) w on true
