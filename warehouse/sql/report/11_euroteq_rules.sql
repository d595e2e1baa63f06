-- title: EuroTeQ checklist, rule by rule
-- about: Courses that pass, fail, or cannot be decided on each rule of the EuroTeQ micro-credential checklist, judged on their best source's listing; a course listed on several sources counts once. Cannot tell: the listing does not state what the rule needs (unknown is never counted as a fail).
-- chart: bar
-- requires: euroteq_eligibility, offers
-- empty: No current courses: the warehouse holds no active listing.
select
    e.rule,
    count(*) filter (where e.result) as "Passes",
    count(*) filter (where not e.result) as "Fails",
    count(*) filter (where e.result is null) as "Cannot tell"
from euroteq_eligibility e
join report_courses using (source, source_id)
group by all
order by e.rule;
