-- title: Top ESCO skill groups
-- about: esco skill groups (the skill pillar's broader concepts) of the accepted skills, counted once per offer.
-- chart: bar
-- requires: outcome_skills, learning_outcomes, esco_skill_hierarchy, esco_skill_groups
select g.preferred_label as skill_group, count(distinct (l.source, l.source_id)) as offers
from outcome_skills k
join learning_outcomes l using (outcome_id)
join esco_skill_hierarchy h on h.skill_uri = k.skill_uri
join esco_skill_groups g on g.uri = h.broader_uri
where k.accepted
group by all
order by offers desc, skill_group
limit 20;
