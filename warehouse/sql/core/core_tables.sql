-- core layer: one row per offer, keyed by (source, source_id); learning outcomes one per row.
create table if not exists offers (
    source varchar not null,
    source_id varchar not null,
    record_hash varchar not null,
    run_id varchar not null,
    first_loaded_at timestamp not null,
    updated_at timestamp not null,
    schema_version varchar not null,
    url varchar,
    title varchar not null,
    title_lang varchar,
    titles json,
    description varchar,
    provider varchar,
    provider_url varchar,
    platform varchar,
    country varchar,
    alliances varchar[],
    languages varchar[],
    n_learning_outcomes integer,
    workload_hours_min double,
    workload_hours_max double,
    workload_raw varchar,
    duration_weeks double,
    duration_raw varchar,
    ects double,
    ects_flag varchar,
    eqf_level integer,
    eqf_flag varchar,
    level_raw varchar,
    assessment varchar,
    participation_form varchar,
    participation_raw varchar,
    quality_assurance varchar,
    prerequisites varchar,
    stackability varchar,
    part_of varchar[],
    supervision_identity_check varchar,
    price_amount double,
    price_currency varchar,
    price_raw varchar,
    is_free boolean,
    runs json,
    subjects varchar[],
    certificate_type varchar,
    explanations json,
    extras json,
    fetched_at timestamptz,
    spider varchar,
    spider_version varchar,
    raw_sha256 varchar,
    source_url varchar,
    harvest_mode varchar,
    primary key (source, source_id)
);

create table if not exists learning_outcomes (
    outcome_id varchar primary key,     -- sha1 of source|source_id|position
    source varchar not null,
    source_id varchar not null,
    position integer not null,          -- order within the offer, from 0
    text varchar not null,              -- as published
    lang varchar,                       -- iso 639-1 of text
    text_en varchar,                    -- the source's own english version, if any
    esco_uris varchar[]                 -- esco skills the source itself links
);
