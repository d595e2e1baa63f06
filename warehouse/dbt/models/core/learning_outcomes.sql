-- the outcomes of each offer's current version, one statement per row.
with parsed as (
    select
        s.source,
        s.source_id,
        from_json(
            s.learning_outcomes_json,
            '[{"text": "varchar", "lang": "varchar", "text_en": "varchar", "esco_uris": ["varchar"]}]'
        ) as outcomes
    from {{ ref('stg_offers') }} s
    join {{ ref('offers') }} o using (source, source_id, record_hash)
)
select
    sha1(concat_ws('|', source, source_id, i::varchar)) as outcome_id,
    source,
    source_id,
    i::integer as position,
    outcomes[i + 1].text as text,
    outcomes[i + 1].lang as lang,
    outcomes[i + 1].text_en as text_en,
    outcomes[i + 1].esco_uris as esco_uris
from parsed, range(len(outcomes)) t(i)
where outcomes[i + 1].text is not null
