-- history: every version of every listing with its validity interval (offers_as_of(ts) reads it).
select * from {{ ref('int_offer_versions') }}
