-- title: EuroTeQ-eligible listings by source
-- about: Listings per source that meet the EuroTeQ checklist, fail it, or lack the data to decide. This chart counts listings, so a course listed on two sources appears under each.
-- chart: bar
-- requires: euroteq_eligible_offers, offers
-- empty: No current listings: the warehouse holds no active listing.
select
    e.source,
    count(*) filter (where e.eligible) as "Eligible",
    count(*) filter (where not e.eligible) as "Not eligible",
    count(*) filter (where e.eligible is null) as "Undecided"
from euroteq_eligible_offers e
join report_listings using (source, source_id)
group by all
order by "Eligible" desc, count(*) desc, e.source;
