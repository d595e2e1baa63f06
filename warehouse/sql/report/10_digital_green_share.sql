-- title: Digital and green skills
-- about: Of the courses with at least one accepted ESCO skill, the share that teach at least one skill of each ESCO collection (digital, green, transversal, language); a course listed on several sources counts once.
-- chart: share
-- requires: outcome_skills, learning_outcomes, esco_skills
-- empty: No course has an accepted ESCO skill match, so there is no share to compute.
with course_skill as (
    select distinct r.course_id, k.skill_uri, k.esco_version
    from outcome_skills k
    join learning_outcomes l using (outcome_id)
    join report_listings r on r.source = l.source and r.source_id = l.source_id
    where k.accepted
),

per_course as (
    select c.course_id, flatten(list(coalesce(s.collections, []))) as collections
    from course_skill c
    left join esco_skills s on s.uri = c.skill_uri and s.esco_version = c.esco_version
    group by all
)

select
    collection,
    round(100.0 * count(*) filter (where list_contains(collections, collection)) / count(*), 1)
        as "Percent of courses"
from per_course, (values ('digital'), ('green'), ('transversal'), ('language')) t(collection)
group by all
order by "Percent of courses" desc, collection;
