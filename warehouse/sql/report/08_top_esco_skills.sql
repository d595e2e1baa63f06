-- title: Top ESCO skills
-- about: esco skills most often linked to learning outcomes (accepted matches of the skill model), counted once per offer.
-- chart: bar
-- requires: outcome_skills, learning_outcomes, esco_skills
select s.preferred_label as skill, count(distinct (l.source, l.source_id)) as offers
from outcome_skills k
join learning_outcomes l using (outcome_id)
join esco_skills s on s.uri = k.skill_uri and s.esco_version = k.esco_version
where k.accepted
group by all
order by offers desc, skill
limit 20;
