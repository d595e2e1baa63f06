-- analysts' first stop: one row per active or withdrawn offer with the comparable elements side by side.
create or replace view offers_overview as
select
    o.source,
    o.source_id,
    o.title,
    o.provider,
    o.country,
    o.platform,
    o.url,
    o.languages,
    o.workload_hours_min,
    o.workload_hours_max,
    o.ects,
    o.ects_flag,
    o.eqf_level,
    o.eqf_flag,
    o.participation_form,
    o.assessment,
    o.quality_assurance,
    o.price_amount,
    o.price_currency,
    o.alliances,
    o.n_learning_outcomes,
    o.status,
    o.first_seen_at,
    o.last_seen_at
from offers o;
