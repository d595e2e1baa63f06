-- title: Courses by provider (top 20)
-- about: Courses by awarding body or provider, the 20 largest; a course listed on several sources counts once, under the canonical name of the provider its best source names (spellings merged in provider_names, each with its reason).
-- chart: bar
-- requires: offers
-- empty: No current courses: the warehouse holds no active listing.
select coalesce(provider, 'unknown') as provider, count(*) as courses
from report_courses
group by all
order by courses desc, provider
limit 20;
