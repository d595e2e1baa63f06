-- title: Digital and green skills
-- about: share of offers with accepted esco skills that teach at least one skill of each esco collection.
-- chart: share
-- requires: outcome_skills, learning_outcomes, esco_skill_collections
with offer_skill as (
    select distinct l.source, l.source_id, k.skill_uri
    from outcome_skills k
    join learning_outcomes l using (outcome_id)
    where k.accepted
),
per_offer as (
    select o.source, o.source_id, list(distinct c.collection) filter (where c.collection is not null) as collections
    from offer_skill o
    left join esco_skill_collections c on c.skill_uri = o.skill_uri
    group by all
)
select collection, round(100.0 * count(*) filter (where list_contains(collections, collection)) / count(*), 1)
    as percent_of_offers
from per_offer, (values ('digital'), ('green'), ('transversal'), ('language')) as t(collection)
group by all
order by percent_of_offers desc, collection;
