-- rebuild the core offers from staging. runs in the loader's transaction: readers see the old or the new table,
-- never a half-built one. offers are never dropped by a harvest: staging keeps every listing ever loaded.
delete from offers;

insert into offers by name
select * exclude (learning_outcomes_json)
from stg_offers;
