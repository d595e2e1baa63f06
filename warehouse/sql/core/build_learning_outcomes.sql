delete from learning_outcomes;

insert into learning_outcomes
with parsed as (
    select
        source,
        source_id,
        from_json(
            learning_outcomes_json,
            '[{"text": "varchar", "lang": "varchar", "text_en": "varchar", "esco_uris": ["varchar"]}]'
        ) as outcomes
    from stg_offers
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
from parsed, range(len(outcomes)) as t(i)
where outcomes[i + 1].text is not null;
