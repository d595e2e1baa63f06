-- title: Offers by source
-- about: current and withdrawn offers by the source they were harvested from.
-- chart: bar
-- requires: offers
select
    source,
    count(*) filter (where status = 'active') as active,
    count(*) filter (where status = 'withdrawn') as withdrawn
from offers
group by all
order by active + withdrawn desc, source;
