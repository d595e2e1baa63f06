-- table macros over the dbt models (dbt builds relations, not macros): recreated whenever offer_versions is
-- published. what was on offer at a given time: offers_as_of(date '2026-01-01')
create or replace macro offers_as_of(d) as table
select s.* exclude (learning_outcomes_json), v.version_no, v.valid_from, v.valid_to
from offer_versions v
join stg_offers s using (source, source_id, record_hash)
where v.valid_from <= d and (v.valid_to is null or v.valid_to > d);
