-- every rule that fired, per source, from the explanations each offer carries: the audit trail in one table.
{{ config(materialized='view') }}

select
    o.source,
    e.field,
    e.rule,
    count(*) as offers
from {{ ref('offers') }} o,
    unnest(from_json(o.explanations, '[{"field": "varchar", "rule": "varchar"}]')) t(e)
group by all
