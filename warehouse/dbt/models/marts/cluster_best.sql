-- one merged "best" record per cluster. each field is taken from the member with the highest precedence that has it
-- (source_precedence: provider's own catalogue over platform over aggregator; ties by source and id), and
-- field_sources says which member each key field came from. provider is the canonical name (offer_providers); the
-- country is a given one where any member states it, else an inferred one, with its flag and reason.
-- built after the offer_clusters asset (python) has written the clusters.
{{ config(tags=['after_python']) }}

with members as (
    select
        c.cluster_id,
        c.cluster_size,
        o.* exclude (provider, country),
        a.provider,
        a.country,
        a.country_flag,
        a.country_reason,
        -- a given country wins over an inferred one, then precedence
        case when a.country_flag = 'given' then '0' else '1' end as country_rank,
        lpad(coalesce(p.precedence, 9)::varchar, 2, '0') || '|' || o.source || '|' || o.source_id as rank_key
    from {{ source('python', 'offer_clusters') }} c
    join {{ ref('offers') }} o using (source, source_id)
    join {{ ref('offer_providers') }} a using (source, source_id)
    left join {{ source('python', 'source_precedence') }} p on p.source = o.source
)
select
    cluster_id,
    any_value(cluster_size) as cluster_size,
    split_part(min(rank_key), '|', 2) as best_source,
    split_part(min(rank_key), '|', 3) as best_source_id,
    list(source || ':' || source_id order by rank_key) as members,
    arg_min(title, rank_key) filter (where title is not null) as title,
    arg_min(provider, rank_key) filter (where provider is not null) as provider,
    arg_min(country, country_rank || rank_key) filter (where country is not null) as country,
    arg_min(country_flag, country_rank || rank_key) filter (where country is not null) as country_flag,
    arg_min(country_reason, country_rank || rank_key) filter (where country is not null) as country_reason,
    arg_min(url, rank_key) filter (where url is not null) as url,
    arg_min(description, rank_key) filter (where description is not null) as description,
    arg_min(languages, rank_key) filter (where len(languages) > 0) as languages,
    arg_min(ects, rank_key) filter (where ects is not null) as ects,
    arg_min(ects_flag, rank_key) filter (where ects is not null) as ects_flag,
    arg_min(workload_hours_min, rank_key) filter (where workload_hours_min is not null) as workload_hours_min,
    arg_min(workload_hours_max, rank_key) filter (where workload_hours_min is not null) as workload_hours_max,
    arg_min(eqf_level, rank_key) filter (where eqf_level is not null) as eqf_level,
    arg_min(eqf_flag, rank_key) filter (where eqf_level is not null) as eqf_flag,
    arg_min(assessment, rank_key) filter (where assessment is not null) as assessment,
    arg_min(participation_form, rank_key) filter (where participation_form is not null) as participation_form,
    arg_min(quality_assurance, rank_key) filter (where quality_assurance is not null) as quality_assurance,
    arg_min(prerequisites, rank_key) filter (where prerequisites is not null) as prerequisites,
    arg_min(price_amount, rank_key) filter (where price_amount is not null) as price_amount,
    arg_min(price_currency, rank_key) filter (where price_amount is not null) as price_currency,
    bool_or(is_free) as is_free_somewhere,
    max(n_learning_outcomes) as max_learning_outcomes,
    json_object(
        'title', arg_min(source || ':' || source_id, rank_key) filter (where title is not null),
        'ects', arg_min(source || ':' || source_id, rank_key) filter (where ects is not null),
        'workload', arg_min(source || ':' || source_id, rank_key) filter (where workload_hours_min is not null),
        'eqf_level', arg_min(source || ':' || source_id, rank_key) filter (where eqf_level is not null),
        'assessment', arg_min(source || ':' || source_id, rank_key) filter (where assessment is not null),
        'participation_form', arg_min(source || ':' || source_id, rank_key)
            filter (where participation_form is not null),
        'price', arg_min(source || ':' || source_id, rank_key) filter (where price_amount is not null),
        'country', arg_min(source || ':' || source_id, country_rank || rank_key) filter (where country is not null)
    ) as field_sources
from members
group by cluster_id
