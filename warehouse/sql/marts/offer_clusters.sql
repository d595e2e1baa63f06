-- entity resolution results (written by the offer_clusters asset, models/resolve.py): every current offer
-- in exactly one cluster, with the link that joined it and why. offers keep their own rows; this is a separate table.
create table if not exists offer_clusters (
    cluster_id varchar not null,        -- 'mc-' + sha1 of the cluster's smallest member key: stable across runs
    source varchar not null,
    source_id varchar not null,
    cluster_size integer not null,
    linked_to_source varchar,           -- the member this one matched best (null for a singleton)
    linked_to_source_id varchar,
    similarity double,                  -- weighted similarity of that link, 0-1
    link_reason varchar not null,       -- components of the similarity, e.g. 'title 0.98, provider shares acronym DTU'
    primary key (source, source_id)
);

-- which listing wins a field in the merged record: the provider's own catalogue (1) over platforms (3) over
-- aggregators and europass (4). written from the source registry.
create table if not exists source_precedence (
    source varchar primary key,
    source_type varchar not null,
    precedence integer not null
);
