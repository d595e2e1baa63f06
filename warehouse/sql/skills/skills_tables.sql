-- esco skills and outcome-to-skill matches (views in skills_views.sql). every table carries the esco version; matches also the model and
-- method. created empty here, filled by warehouse/skills.py; skill_decisions is never rewritten by a mapping.
create table if not exists esco_releases (
    esco_version varchar primary key,
    fingerprint varchar not null,       -- content hash of the skills (labels, descriptions)
    source varchar,                     -- files it was read from
    skills integer,
    loaded_at timestamp,
    active boolean                      -- the release that matching uses now
);

create table if not exists esco_skills (
    esco_version varchar not null,
    uri varchar not null,
    preferred_label varchar not null,
    alt_labels varchar[],
    skill_type varchar,                 -- skill/competence | knowledge
    reuse_level varchar,                -- transversal | cross-sector | sector-specific | occupation-specific
    description varchar,
    broader_uris varchar[],             -- skill groups or broader skills
    collections varchar[],              -- digital | green | transversal | language
    primary key (esco_version, uri)
);

create table if not exists esco_skill_groups (
    esco_version varchar not null,
    uri varchar not null,
    label varchar,
    code varchar,
    level integer,                      -- 0 (pillar top) .. 3
    primary key (esco_version, uri)
);

create table if not exists esco_skill_broader (
    esco_version varchar not null,
    uri varchar not null,
    broader_uri varchar not null,
    primary key (esco_version, uri, broader_uri)
);

-- one row per (text, model, esco release, method, rank): what makes re-mapping incremental.
create table if not exists skill_match_cache (
    text_hash varchar not null,         -- sha1 of the text that was mapped
    model varchar not null,
    esco_version varchar not null,
    esco_fingerprint varchar not null,
    method varchar not null,
    rank integer not null,              -- 0 marks a text that could not be mapped (problem says why)
    skill_uri varchar,
    score double,
    problem varchar                     -- (no primary key: keyed inserts make large loads slow in duckdb;
);                                      --  mapping inserts only texts that are missing)

-- which text of each outcome was mapped, with which model / release / method: rewritten by every mapping run
-- (small: one row per outcome). outcome_skills, outcome_skill_status and offer_skills are views over it and the
-- cache (skills_views.sql), so a warm re-run writes almost nothing.
create table if not exists outcome_skill_texts (
    outcome_id varchar not null,
    lang varchar,
    mapped_from varchar,                -- text | text_en | null (not mapped because of language)
    text_hash varchar,
    model varchar not null,
    esco_version varchar not null,
    esco_fingerprint varchar not null,
    method varchar not null,
    threshold double not null           -- acceptance threshold of this run
);

-- analysts' verdicts on (outcome, skill) pairs; mappings read it, never write it.
create table if not exists skill_decisions (
    outcome_id varchar not null,
    skill_uri varchar not null,
    decision varchar not null check (decision in ('accepted', 'rejected')),
    analyst varchar,
    decided_at timestamp default current_timestamp,
    note varchar,
    primary key (outcome_id, skill_uri)
);
