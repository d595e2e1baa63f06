-- title: Courses by country of the provider
-- about: Courses by the country of their provider (ISO 3166-1 alpha-2 codes, with the country's name); a course listed on several sources counts once. Countries the source does not state are inferred from the provider table or the provider's web address (country_flag in offers_overview); unknown: neither tells.
-- chart: bar
-- requires: offers
-- empty: No current courses: the warehouse holds no active listing.
select coalesce(country, 'unknown') as country, count(*) as courses
from report_courses
group by all
order by courses desc, country
limit 25;
