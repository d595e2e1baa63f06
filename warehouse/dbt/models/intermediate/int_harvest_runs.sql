-- harvest runs in time order per source, with whether each one may withdraw listings.
-- a run is complete when it finished ok, recorded no failure and did not collapse; it collapsed when it holds less
-- than `collapse_ratio` (warehouse_settings) of the offers of the previous run that finished ok. partial, failed, empty
-- or collapsed runs never withdraw anything, and neither does an `ok` run whose stats still count errors (errors/*) or
-- spider exceptions (spider_exceptions/*): runs landed before the spider counted those were marked ok although pages
-- were lost. `mode` (snapshot | live) is carried along: warehouse/db.py refuses to start a harvest of the other mode,
-- so the runs of one warehouse never mix the bundled sample with real data.
with loadable as (
    select
        source,
        run_id,
        -- run ids are the harvest's start time in utc (scrapers.landing.new_run_id)
        coalesce(
            try_strptime(run_id, '%Y%m%dT%H%M%S%fZ'), try_strptime(run_id, '%Y%m%dT%H%M%SZ'), finished_at, loaded_at
        ) as run_time,
        mode,
        -- `ok` only with no failure counter in its stats (see above)
        case when status = 'ok' and coalesce(len(list_filter(json_keys(stats),
                lambda k: k like 'errors/%' or k like 'spider_exceptions/%')), 0) > 0
            then 'partial' else status end as status,
        offers
    from {{ source('raw', 'harvest_runs') }}
    where status in ('ok', 'partial')
),
ordered as (
    select
        *,
        lag(case when status = 'ok' then offers end ignore nulls) over (
            partition by source order by run_time
        ) as previous_ok_offers
    from loadable
),
flagged as (
    select
        *,
        status = 'ok' and previous_ok_offers is not null
            and offers < (
                select value from {{ source('raw', 'warehouse_settings') }} where name = 'collapse_ratio'
            ) * previous_ok_offers as is_collapsed
    from ordered
)
select
    source,
    run_id,
    run_time,
    mode,
    status,
    offers,
    previous_ok_offers,
    status = 'ok' and not is_collapsed as is_complete,
    is_collapsed
from flagged
