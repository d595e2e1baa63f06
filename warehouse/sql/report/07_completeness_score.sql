-- title: Completeness score
-- about: Courses by how many of the nine required standard elements their best source's listing states; a course listed on several sources counts once.
-- chart: column
-- requires: offer_completeness
-- empty: No current courses: the warehouse holds no active listing.
select k.required_present || ' of ' || k.required_total as elements_stated, count(*) as courses
from offer_completeness k
join report_courses using (source, source_id)
group by all
order by any_value(k.required_present);
