-- full-text search documents: title, description and learning outcomes (with their english versions) per offer.
create or replace table offer_search as
select
    o.source || ':' || o.source_id as doc_id,
    o.source,
    o.source_id,
    o.title,
    coalesce(o.description, '') as description,
    coalesce(string_agg(concat_ws(' ', l.text, l.text_en), ' ' order by l.position), '') as outcomes
from offers o
left join learning_outcomes l using (source, source_id)
group by all;
