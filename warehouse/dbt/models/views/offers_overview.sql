-- analysts' first stop: one row per offer, where an offer listed by several sources (a cluster, offer_clusters)
-- counts once. fields are the merged best record of the cluster (cluster_best: the provider's own catalogue first);
-- source and source_id name its best listing, members all of them. every listing: offer_listings.
{{ config(tags=['after_python']) }}

with clusters as (
    select
        cluster_id,
        list_sort(list_distinct(flatten(list(alliances)))) as alliances,
        case when bool_or(status = 'active') then 'active' else 'withdrawn' end as status,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        arg_max(harvest_mode, last_seen_at) as harvest_mode
    from {{ ref('offer_listings') }}
    group by cluster_id
)

select
    b.cluster_id,
    b.cluster_size,
    b.members,
    b.best_source as source,
    b.best_source_id as source_id,
    b.title,
    b.provider,
    b.country,
    b.country_flag,
    b.country_reason,
    l.platform,
    b.url,
    b.languages,
    b.workload_hours_min,
    b.workload_hours_max,
    b.ects,
    b.ects_flag,
    b.eqf_level,
    b.eqf_flag,
    b.participation_form,
    b.assessment,
    b.quality_assurance,
    b.price_amount,
    b.price_currency,
    c.alliances,
    l.n_learning_outcomes,
    c.status,
    c.first_seen_at,
    c.last_seen_at,
    c.harvest_mode
from {{ ref('cluster_best') }} b
join clusters c using (cluster_id)
join {{ ref('offer_listings') }} l on l.source = b.best_source and l.source_id = b.best_source_id
