-- raw layer: what the harvests landed, append-only. a record is stored again only when its content changed.
create table if not exists harvest_runs (
    source varchar not null,
    run_id varchar not null,
    mode varchar,
    status varchar not null,            -- ok | partial | empty | failed (from the landing _DONE marker)
    finished_at timestamp,
    offers integer,
    rejects integer,
    stats json,
    landing_dir varchar,
    loaded_at timestamp not null,
    primary key (source, run_id)
);

create table if not exists raw_offers (
    source varchar not null,
    source_id varchar not null,
    record_hash varchar not null,       -- sha256 of the record without provenance: unchanged listings are not stored twice
    run_id varchar not null,
    loaded_at timestamp not null,
    record json not null,
    primary key (source, source_id, record_hash)
);

create table if not exists rejects (
    reject_id varchar primary key,      -- sha256 of source, id, reason and raw record
    source varchar not null,
    source_id varchar,
    reason varchar not null,
    url varchar,
    raw json,
    first_run_id varchar not null,
    last_run_id varchar not null,
    loaded_at timestamp not null
);

-- which listings each run saw (with their content hash): the basis of history and withdrawal.
create table if not exists raw_sightings (
    source varchar not null,
    run_id varchar not null,
    source_id varchar not null,
    record_hash varchar not null,
    primary key (source, run_id, source_id)
);

-- knobs the sql reads; analysts can see and change them.
create table if not exists warehouse_settings (
    name varchar primary key,
    value double not null,
    meaning varchar
);
insert into warehouse_settings values
    ('collapse_ratio', 0.5,
     'a complete harvest must hold at least this share of the previous complete harvest''s offers to withdraw listings')
on conflict do nothing;
