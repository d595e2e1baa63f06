-- title: Completeness score
-- about: current offers by how many of the nine required standard elements they state.
-- chart: column
-- requires: offer_completeness
select required_present || ' of ' || required_total as elements_stated, count(*) as offers
from offer_completeness
where status = 'active'
group by all
order by any_value(required_present);
