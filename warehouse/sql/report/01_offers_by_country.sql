-- title: Offers by country
-- about: current offers by the provider's country (iso 3166-1 alpha-2); unknown where the source does not say.
-- chart: bar
-- requires: offers
select coalesce(country, 'unknown') as country, count(*) as offers
from offers
where status = 'active'
group by all
order by offers desc, country
limit 25;
