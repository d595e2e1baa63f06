-- title: Top ESCO skill groups
-- about: Second-level ESCO skill groups above the accepted skills, walking the broader relations up; a course counts once per group.
-- chart: bar
-- requires: outcome_skills, learning_outcomes, esco_skill_broader, esco_skill_groups
-- empty: No accepted skill reaches a second-level ESCO group: either the skill mapping has not run, no match was accepted, or the warehouse lacks the ESCO hierarchy (`mcatlas esco load`).
with recursive accepted as (
    select distinct r.course_id, k.skill_uri, k.esco_version
    from outcome_skills k
    join learning_outcomes l using (outcome_id)
    join report_listings r on r.source = l.source and r.source_id = l.source_id
    where k.accepted
),

ancestors (uri, esco_version, ancestor) as (
    select distinct skill_uri, esco_version, skill_uri from accepted
    union
    select a.uri, a.esco_version, b.broader_uri
    from ancestors a
    join esco_skill_broader b on b.uri = a.ancestor and b.esco_version = a.esco_version
)

select g.label as skill_group, count(distinct x.course_id) as courses
from accepted x
join ancestors a on a.uri = x.skill_uri and a.esco_version = x.esco_version
join esco_skill_groups g on g.uri = a.ancestor and g.esco_version = a.esco_version
where g.level = 2
group by all
order by courses desc, skill_group
limit 20;
