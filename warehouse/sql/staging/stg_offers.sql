-- one row per (source, source_id): the latest stored version of each listing, typed.
-- every source is mapped to the canonical schema by its parser, so one staging view serves all sources.
create or replace view stg_offers as
with latest as (
    select source, source_id, record_hash, run_id, loaded_at, record as r
    from raw_offers
    qualify row_number() over (partition by source, source_id order by loaded_at desc, run_id desc) = 1
),
first_seen as (
    select source, source_id, min(loaded_at) as first_loaded_at
    from raw_offers
    group by all
)
select
    l.source,
    l.source_id,
    l.record_hash,
    l.run_id,
    f.first_loaded_at,
    l.loaded_at as updated_at,
    r ->> '$.schema_version' as schema_version,
    r ->> '$.url' as url,
    r ->> '$.title' as title,
    r ->> '$.title_lang' as title_lang,
    r -> '$.titles' as titles,
    r ->> '$.description' as description,
    r ->> '$.provider' as provider,
    r ->> '$.provider_url' as provider_url,
    r ->> '$.platform' as platform,
    r ->> '$.country' as country,
    from_json(r -> '$.alliances', '["varchar"]') as alliances,
    from_json(r -> '$.languages', '["varchar"]') as languages,
    json_array_length(r -> '$.learning_outcomes')::integer as n_learning_outcomes,
    (r ->> '$.workload_hours_min')::double as workload_hours_min,
    (r ->> '$.workload_hours_max')::double as workload_hours_max,
    r ->> '$.workload_raw' as workload_raw,
    (r ->> '$.duration_weeks')::double as duration_weeks,
    r ->> '$.duration_raw' as duration_raw,
    (r ->> '$.ects')::double as ects,
    r ->> '$.ects_flag' as ects_flag,
    (r ->> '$.eqf_level')::integer as eqf_level,
    r ->> '$.eqf_flag' as eqf_flag,
    r ->> '$.level_raw' as level_raw,
    r ->> '$.assessment' as assessment,
    r ->> '$.participation_form' as participation_form,
    r ->> '$.participation_raw' as participation_raw,
    r ->> '$.quality_assurance' as quality_assurance,
    r ->> '$.prerequisites' as prerequisites,
    r ->> '$.stackability' as stackability,
    from_json(r -> '$.part_of', '["varchar"]') as part_of,
    r ->> '$.supervision_identity_check' as supervision_identity_check,
    (r ->> '$.price_amount')::double as price_amount,
    r ->> '$.price_currency' as price_currency,
    r ->> '$.price_raw' as price_raw,
    (r ->> '$.is_free')::boolean as is_free,
    r -> '$.runs' as runs,
    from_json(r -> '$.subjects', '["varchar"]') as subjects,
    r ->> '$.certificate_type' as certificate_type,
    r -> '$.explanations' as explanations,
    r -> '$.extras' as extras,
    (r ->> '$.provenance.fetched_at')::timestamptz as fetched_at,
    r ->> '$.provenance.spider' as spider,
    r ->> '$.provenance.spider_version' as spider_version,
    r ->> '$.provenance.raw_sha256' as raw_sha256,
    r ->> '$.provenance.source_url' as source_url,
    r ->> '$.provenance.mode' as harvest_mode,
    r -> '$.learning_outcomes' as learning_outcomes_json
from latest l
join first_seen f using (source, source_id);
