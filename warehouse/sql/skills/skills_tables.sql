-- esco skills and outcome-to-skill matches. every table carries the esco version; matches also the model and
-- method. created empty here, filled by models/skills/mapping.py; skill_decisions is never rewritten by a mapping.
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
    problem varchar,
    primary key (text_hash, model, esco_version, esco_fingerprint, method, rank)
);

create table if not exists outcome_skills (
    outcome_id varchar not null,
    skill_uri varchar not null,
    rank integer not null,              -- 1 = best; 0 = added by an analyst, not ranked by the model
    score double,
    accepted boolean not null,          -- score >= the documented threshold, or an analyst accepted it
    decision varchar,                   -- accepted | rejected by an analyst (skill_decisions), else null
    method varchar not null,
    model varchar not null,
    esco_version varchar not null,
    mapped_from varchar not null,       -- text | text_en
    primary key (outcome_id, skill_uri)
);

create table if not exists outcome_skill_status (
    outcome_id varchar primary key,
    lang varchar,
    status varchar not null,            -- mapped | not_mapped_language | invalid
    reason varchar,
    mapped_from varchar,
    model varchar,
    esco_version varchar
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
