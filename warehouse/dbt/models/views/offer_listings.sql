-- every listing, one row per (source, source_id), with the cluster of listings it belongs to (offer_clusters): the
-- same course listed by two sources has two rows here and one in offers_overview. provider and country as in
-- offer_providers; harvest_mode is the mode of the harvest run that last saw the listing.
{{ config(tags=['after_python']) }}

with last_harvest as (
    select
        s.source,
        s.source_id,
        arg_max(h.mode, r.run_time) as harvest_mode
    from {{ source('raw', 'raw_sightings') }} s
    join {{ ref('int_harvest_runs') }} r using (source, run_id)
    join {{ source('raw', 'harvest_runs') }} h using (source, run_id)
    group by all
)

select
    c.cluster_id,
    c.cluster_size,
    row_number() over (
        partition by c.cluster_id
        order by lpad(coalesce(p.precedence, 9)::varchar, 2, '0') || '|' || o.source || '|' || o.source_id
    )::integer as cluster_rank,
    o.source,
    o.source_id,
    o.title,
    a.provider,
    a.provider_raw,
    a.country,
    a.country_flag,
    a.country_reason,
    o.platform,
    o.url,
    o.languages,
    o.workload_hours_min,
    o.workload_hours_max,
    o.ects,
    o.ects_flag,
    o.eqf_level,
    o.eqf_flag,
    o.participation_form,
    o.assessment,
    o.quality_assurance,
    o.price_amount,
    o.price_currency,
    o.alliances,
    o.n_learning_outcomes,
    o.status,
    o.first_seen_at,
    o.last_seen_at,
    coalesce(h.harvest_mode, o.harvest_mode) as harvest_mode
from {{ ref('offers') }} o
join {{ ref('offer_providers') }} a using (source, source_id)
left join {{ source('python', 'offer_clusters') }} c using (source, source_id)
left join {{ source('python', 'source_precedence') }} p on p.source = o.source
left join last_harvest h using (source, source_id)
