-- title: Top ESCO skills
-- about: ESCO skills most often linked to learning outcomes (accepted matches of the skill model only); a course counts once per skill, however many of its listings or outcomes teach it.
-- chart: bar
-- requires: outcome_skills, learning_outcomes, esco_skills
-- empty: No learning outcome has an accepted ESCO skill match: either the skill mapping has not run on this warehouse (`mcatlas skills map`), or no match scored above the acceptance threshold.
select s.preferred_label as skill, count(distinct r.course_id) as courses
from outcome_skills k
join learning_outcomes l using (outcome_id)
join report_listings r on r.source = l.source and r.source_id = l.source_id
join esco_skills s on s.uri = k.skill_uri and s.esco_version = k.esco_version
where k.accepted
group by all
order by courses desc, skill
limit 20;
