-- how far normalisation got, per source: the share of current offers with each normalised value, split by how the
-- value was obtained (given / estimated / inferred). a source whose share drops between runs needs a look.
{{ config(materialized='view') }}

select
    source,
    count(*) as offers,
    round(avg((workload_hours_min is not null)::int), 3) as share_workload,
    round(avg((ects_flag = 'given')::int), 3) as share_ects_given,
    round(avg((ects_flag = 'estimated')::int), 3) as share_ects_estimated,
    round(avg((eqf_flag = 'given')::int), 3) as share_eqf_given,
    round(avg((eqf_flag = 'inferred')::int), 3) as share_eqf_inferred,
    round(avg((len(languages) > 0)::int), 3) as share_language,
    round(avg((country is not null)::int), 3) as share_country,
    round(avg((price_amount is not null or is_free is not null)::int), 3) as share_price,
    round(avg((coalesce(n_learning_outcomes, 0) > 0)::int), 3) as share_outcomes,
    round(avg((participation_form is not null)::int), 3) as share_participation_form,
    round(avg((workload_raw is not null and workload_hours_min is null)::int), 3) as share_workload_kept_raw,
    round(avg((price_raw is not null and price_amount is null)::int), 3) as share_price_kept_raw
from {{ ref('offers') }}
where status = 'active'
group by source
