-- load one landing run ($run_dir). called inside a transaction; re-running it changes nothing.
insert into raw_offers
select
    json ->> '$.source' as source,
    json ->> '$.source_id' as source_id,
    json ->> '$.record_hash' as record_hash,
    $run_id as run_id,
    $loaded_at as loaded_at,
    json as record
from read_ndjson_objects($offers_file)
on conflict do nothing;

insert into raw_sightings
select distinct on (json ->> '$.source_id')
    json ->> '$.source' as source,
    $run_id as run_id,
    json ->> '$.source_id' as source_id,
    json ->> '$.record_hash' as record_hash
from read_ndjson_objects($offers_file)
on conflict do nothing;
