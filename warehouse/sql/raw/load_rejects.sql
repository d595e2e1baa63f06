insert into rejects
select
    sha256(concat_ws('|', json ->> '$.source', coalesce(json ->> '$.source_id', ''), json ->> '$.reason',
                     coalesce(json ->> '$.raw', ''))) as reject_id,
    json ->> '$.source' as source,
    json ->> '$.source_id' as source_id,
    json ->> '$.reason' as reason,
    json ->> '$.url' as url,
    json -> '$.raw' as raw,
    $run_id as first_run_id,
    $run_id as last_run_id,
    $loaded_at as loaded_at
from read_ndjson_objects($rejects_file)
on conflict (reject_id) do update set last_run_id = excluded.last_run_id, loaded_at = excluded.loaded_at;
