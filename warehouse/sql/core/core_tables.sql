-- core tables are rebuilt by the build_*.sql files (create or replace ... as select) inside one transaction.
-- this file only creates empty shells on a fresh warehouse so that views and readers always find them.
create table if not exists offer_versions as
select * from int_offer_versions where false;

create table if not exists offers as
select
    s.* exclude (learning_outcomes_json),
    null::timestamp as first_seen_at,
    null::timestamp as last_seen_at,
    null::timestamp as version_valid_from,
    null::varchar as status,
    null::timestamp as withdrawn_at
from stg_offers s
where false;

create table if not exists learning_outcomes (
    outcome_id varchar,                 -- sha1 of source|source_id|position
    source varchar,
    source_id varchar,
    position integer,                   -- order within the offer, from 0
    text varchar,                       -- as published
    lang varchar,                       -- iso 639-1 of text
    text_en varchar,                    -- the source's own english version, if any
    esco_uris varchar[]                 -- esco skills the source itself links
);

-- what was on offer on a given day: offers_as_of(date '2026-01-01')
create or replace macro offers_as_of(d) as table
select s.* exclude (learning_outcomes_json), v.version_no, v.valid_from, v.valid_to
from offer_versions v
join stg_offers s using (source, source_id, record_hash)
where v.valid_from <= d and (v.valid_to is null or v.valid_to > d);
