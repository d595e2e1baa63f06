-- title: Digital and green skills
-- about: share of offers with accepted esco skills that teach at least one skill of each esco collection.
-- chart: share
-- requires: outcome_skills, learning_outcomes, esco_skills
with offer_skill as (
    select distinct l.source, l.source_id, k.skill_uri, k.esco_version
    from outcome_skills k
    join learning_outcomes l using (outcome_id)
    where k.accepted
),
per_offer as (
    select o.source, o.source_id, flatten(list(coalesce(s.collections, []))) as collections
    from offer_skill o
    left join esco_skills s on s.uri = o.skill_uri and s.esco_version = o.esco_version
    group by all
)
select collection, round(100.0 * count(*) filter (where list_contains(collections, collection)) / count(*), 1)
    as percent_of_offers
from per_offer, (values ('digital'), ('green'), ('transversal'), ('language')) t(collection)
group by all
order by percent_of_offers desc, collection;
