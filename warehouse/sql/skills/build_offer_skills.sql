-- skills per offer: accepted matches of its outcomes (analyst decisions win over the threshold).
create or replace table offer_skills as
select
    lo.source,
    lo.source_id,
    os.skill_uri,
    any_value(es.preferred_label) as preferred_label,
    count(distinct os.outcome_id) as outcomes,
    max(os.score) as best_score,
    round(avg(os.score), 4) as mean_score,
    bool_or(os.decision = 'accepted') as analyst_accepted,
    any_value(os.method) as method,
    any_value(os.model) as model,
    any_value(os.esco_version) as esco_version
from outcome_skills os
join learning_outcomes lo using (outcome_id)
left join esco_skills es on es.uri = os.skill_uri and es.esco_version = os.esco_version
where os.accepted and coalesce(os.decision, '') <> 'rejected'
group by lo.source, lo.source_id, os.skill_uri;
