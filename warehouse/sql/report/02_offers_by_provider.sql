-- title: Offers by provider (top 20)
-- about: current offers by awarding body or provider, the 20 largest.
-- chart: bar
-- requires: offers
select coalesce(provider, 'unknown') as provider, count(*) as offers
from offers
where status = 'active'
group by all
order by offers desc, provider
limit 20;
