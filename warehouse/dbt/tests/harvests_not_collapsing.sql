-- no source's latest complete harvest holds less than `collapse_ratio` of the previous one's offers (such a harvest
-- withdraws nothing; this warns so someone looks at the source).
{{ config(severity='warn') }}
select source, offers, previous_ok_offers
from {{ ref('int_harvest_runs') }}
qualify row_number() over (partition by source order by run_time desc) = 1 and is_collapsed
