-- one row per offer: eligible when no rule fails and the four decidable rules pass (the theme rule counts only
-- where detected, as the checklist says "where detectable"); false when any rule fails; null otherwise.
{{ config(materialized='view') }}

select
    source,
    source_id,
    bool_and(result) filter (where rule = 'taught_in_english') as taught_in_english,
    bool_and(result) filter (where rule = 'online_hybrid_or_blended') as online_hybrid_or_blended,
    bool_and(result) filter (where rule = 'ects_2_to_10') as ects_2_to_10,
    bool_and(result) filter (where rule = 'two_or_more_course_elements') as two_or_more_course_elements,
    bool_and(result) filter (where rule = 'intercultural_interdisciplinary_or_entrepreneurial') as euroteq_themes,
    case
        when bool_or(result = false) then false
        when count(*) filter (where rule <> 'intercultural_interdisciplinary_or_entrepreneurial'
                              and result is true) = 4 then true
    end as eligible,
    count(*) filter (where result is null) as rules_unknown,
    string_agg(rule || ': ' || reason, '; ' order by rule) as reasons
from {{ ref('euroteq_eligibility') }}
group by source, source_id
