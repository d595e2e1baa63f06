-- load landing runs of one source: $offers_files[i] is the offers.jsonl of run $run_ids[i], oldest run first.
-- called inside a transaction; re-running it changes nothing. all runs go in one statement (one scan of every file,
-- row groups written straight to the database file instead of through the write-ahead log).
create or replace temp table load_files as
select unnest($offers_files) as file, unnest($run_ids) as run_id;

-- the keys only (an explicit schema reads three fields and skips the rest of each record)
create or replace temp table load_keys as
select f.run_id, k.source, k.source_id, k.record_hash
from read_ndjson(
    $offers_files, columns = {source: 'varchar', source_id: 'varchar', record_hash: 'varchar'}, filename = true
) k
join load_files f on k.filename = f.file;

-- a record is stored by the oldest run in the batch that has it, and only when that content is new
insert into raw_offers
select r.key[1] as source, r.key[2] as source_id, r.key[3] as record_hash, r.run_id, $loaded_at as loaded_at,
    r.json as record
from (
    select json_extract_string(j.json, ['$.source', '$.source_id', '$.record_hash']) as key, f.run_id, j.json
    from read_ndjson_objects($offers_files, filename = true) j
    join load_files f on j.filename = f.file
) r
semi join (
    select source, source_id, record_hash, min(run_id) as run_id from load_keys group by all
) first_seen
    on r.key[1] = first_seen.source and r.key[2] = first_seen.source_id and r.key[3] = first_seen.record_hash
    and r.run_id = first_seen.run_id
on conflict do nothing;

insert into raw_sightings
select distinct on (run_id, source_id) source, run_id, source_id, record_hash
from load_keys
on conflict do nothing;
