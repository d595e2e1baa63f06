-- offer_completeness aggregated by provider: offers, average score and, for every has_* flag above, the share of offers carrying that
-- element (share_title ... share_stackability: the columns are named after the flags, so a new flag appears in every
-- aggregate, and in completeness_history, without further edits).
{{ config(materialized='view') }}

select
    coalesce(provider, '(unknown)') as provider,
    count(*) as offers,
    count(distinct source) as sources,
    round(avg(completeness_score), 3) as avg_score,
    round(avg(columns('^has_(.*)$')::int), 3) as 'share_\1'
from {{ ref('offer_completeness') }}
where status = 'active'
group by all
