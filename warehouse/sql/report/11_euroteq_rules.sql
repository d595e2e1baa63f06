-- title: EuroTeQ checklist, rule by rule
-- about: current offers that pass, fail, or cannot be decided on each rule of the euroteq micro-credential checklist.
-- chart: bar
-- requires: euroteq_eligibility, offers
select
    e.rule,
    count(*) filter (where e.result) as passes,
    count(*) filter (where not e.result) as fails,
    count(*) filter (where e.result is null) as unknown
from euroteq_eligibility e
join offers o using (source, source_id)
where o.status = 'active'
group by all
order by e.rule;
