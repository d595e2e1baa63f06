-- title: Listings by source
-- about: Listings per source, the one chart that counts listings rather than courses: a course listed on two sources appears under each, so the bars add up to more than the number of courses. Withdrawn: listings a complete harvest no longer shows.
-- chart: bar
-- requires: offers
-- empty: No listings: nothing has been harvested and loaded yet.
select
    o.source,
    count(*) filter (where l.listings = 1) as "Only on this source",
    count(*) filter (where l.listings > 1) as "Also on another source",
    count(*) filter (where o.status = 'withdrawn') as "Withdrawn"
from offers o
left join report_listings l using (source, source_id)
group by all
order by count(*) desc, o.source;
