-- title: EuroTeQ-eligible offers by source
-- about: current offers that meet the euroteq checklist, fail it, or lack the data to decide, per source.
-- chart: bar
-- requires: euroteq_eligible_offers, offers
select
    e.source,
    count(*) filter (where e.eligible) as eligible,
    count(*) filter (where not e.eligible) as not_eligible,
    count(*) filter (where e.eligible is null) as undecided
from euroteq_eligible_offers e
join offers o using (source, source_id)
where o.status = 'active'
group by all
order by eligible desc, e.source;
