-- the report's unit of count: the course. current listings are grouped by their duplicate cluster (offer_clusters,
-- written by models/resolve.py), so a course listed on two sources counts once. report_listings: every current
-- listing with its course and how many listings that course has; report_courses: one row per course, described
-- by its listing from the source with the best precedence (the provider's own catalogue over platforms over
-- aggregators), as cluster_best ranks them. providers under their canonical name and the country of the awarding
-- body, given or inferred (offer_providers). temporary views: the report opens the warehouse read-only.
create or replace temp view report_listings as
select
    o.* replace (p.provider as provider, p.country as country),
    p.provider_raw,
    p.country_flag,
    coalesce(c.cluster_id, o.source || ':' || o.source_id) as course_id,
    count(*) over (partition by coalesce(c.cluster_id, o.source || ':' || o.source_id)) as listings
from offers o
join offer_providers p using (source, source_id)
left join offer_clusters c using (source, source_id)
where o.status = 'active';

create or replace temp view report_courses as
select l.*
from report_listings l
left join source_precedence p using (source)
qualify row_number() over (partition by l.course_id order by coalesce(p.precedence, 9), l.source, l.source_id) = 1;
