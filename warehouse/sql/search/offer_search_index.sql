-- the fts pragma runs its own transactions, so the index is built after offer_search is committed.
pragma create_fts_index('offer_search', 'doc_id', 'title', 'description', 'outcomes', overwrite = 1);

-- ranked search from sql: select * from search_offers('machine learning') (needs `load fts` in the session).
create or replace macro search_offers(q) as table
select o.source, o.source_id, o.title, o.provider, o.country, o.url, s.score
from (
    select doc_id, source, source_id, fts_main_offer_search.match_bm25(doc_id, q) as score
    from offer_search
) s
join offers o using (source, source_id)
where s.score is not null
order by s.score desc;
