-- matches of the current mapping run: outcome_skill_texts (one row per outcome) joined with the match cache and
-- analysts' decisions. views, so that a re-run that embeds nothing new writes only outcome_skill_texts.
create or replace view outcome_skills as
select
    t.outcome_id,
    c.skill_uri,
    c.rank,                              -- 1 = best; 0 = added by an analyst, not ranked by the model
    c.score,
    (c.score >= t.threshold and coalesce(d.decision, '') <> 'rejected')
        or coalesce(d.decision = 'accepted', false) as accepted,
    d.decision,                          -- accepted | rejected by an analyst, else null
    c.method,
    c.model,
    c.esco_version,
    t.mapped_from                        -- text | text_en
from outcome_skill_texts t
join skill_match_cache c
    on c.text_hash = t.text_hash and c.model = t.model and c.esco_version = t.esco_version
    and c.esco_fingerprint = t.esco_fingerprint and c.method = t.method and c.rank > 0
left join skill_decisions d on d.outcome_id = t.outcome_id and d.skill_uri = c.skill_uri
union all
select d.outcome_id, d.skill_uri, 0, null::double, true, 'accepted', 'analyst', t.model, t.esco_version, t.mapped_from
from skill_decisions d
join outcome_skill_texts t using (outcome_id)
where d.decision = 'accepted'
  and not exists (
    select 1 from skill_match_cache c
    where c.text_hash = t.text_hash and c.model = t.model and c.esco_version = t.esco_version
      and c.esco_fingerprint = t.esco_fingerprint and c.method = t.method and c.skill_uri = d.skill_uri
  );

create or replace view outcome_skill_status as
select
    t.outcome_id,
    t.lang,
    case when t.mapped_from is null then 'not_mapped_language'
         when p.problem is not null then 'invalid' else 'mapped' end as status,
    case when t.mapped_from is null then 'no English text for language ' || coalesce(t.lang, '?')
         else p.problem end as reason,
    t.mapped_from,
    t.model,
    t.esco_version
from outcome_skill_texts t
left join skill_match_cache p
    on p.text_hash = t.text_hash and p.model = t.model and p.esco_version = t.esco_version
    and p.esco_fingerprint = t.esco_fingerprint and p.method = t.method and p.rank = 0;

-- skills per offer: accepted matches of its outcomes (analyst decisions win over the threshold).
create or replace view offer_skills as
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
