-- one row per provider name as the sources write it, with the awarding body it stands for and why.
-- a name of several owners ('a / b', edx) is resolved part by part. each part is looked up in the seed
-- provider_aliases (alias -> canonical, with the reason); failing that, a trailing acronym in brackets is dropped
-- ('delft university of technology (tu delft)' -> 'delft university of technology') and the rest is looked up
-- again. every merge keeps its reason in merge_reason.
with raw_names as (
    select distinct provider as provider_raw
    from {{ ref('stg_offers') }}
    where provider is not null and trim(provider) <> ''
),

parts as (
    select
        provider_raw,
        i::integer as part_no,
        trim(split[i]) as part
    from (select provider_raw, string_split(provider_raw, ' / ') as split from raw_names), range(1, len(split) + 1) t(i)
    where trim(split[i]) <> ''
),

bracketed as (
    select
        *,
        regexp_extract(part, '^(.*\S)\s*\(([^()]+)\)$', 1) as without_brackets,
        regexp_extract(part, '^(.*\S)\s*\(([^()]+)\)$', 2) as bracketed_text
    from parts
),

acronyms as (
    select
        *,
        -- an acronym: one or two short tokens with at least two capitals ('DTU', 'TU Delft', 'TU/e', 'TalTech');
        -- not a parent body or a place ('Institut Polytechnique de Paris', 'Sweden')
        case
            when
                length(bracketed_text) between 2 and 12
                and regexp_full_match(bracketed_text, '[A-Za-z0-9&/.\-]+( [A-Za-z0-9&/.\-]+)?')
                and length(regexp_replace(bracketed_text, '[^A-Z]', '', 'g')) >= 2
                then without_brackets
        end as acronym_dropped
    from bracketed
),

resolved as (
    select
        a.provider_raw,
        a.part_no,
        a.part,
        coalesce(direct.canonical, after_rule.canonical, a.acronym_dropped, a.part) as canonical,
        case
            when direct.alias is not null
                then 'alias table: ' || a.part || ' -> ' || direct.canonical || ' (' || direct.reason || ')'
            when a.acronym_dropped is not null
                then 'rule trailing acronym: "(' || a.bracketed_text || ')" dropped from ' || a.part
                || coalesce(
                    '; alias table: ' || a.acronym_dropped || ' -> ' || after_rule.canonical
                    || ' (' || after_rule.reason || ')',
                    ''
                )
        end as part_reason
    from acronyms a
    left join {{ ref('provider_aliases') }} direct on direct.alias = a.part
    left join {{ ref('provider_aliases') }} after_rule
        on direct.alias is null and after_rule.alias = a.acronym_dropped
)

select
    provider_raw,
    string_agg(canonical, ' / ' order by part_no) as provider,
    arg_min(canonical, part_no) as lead_provider,
    count(*)::integer as n_owners,
    count(part_reason) > 0 as merged,
    string_agg(part_reason, '; ' order by part_no) as merge_reason
from resolved
group by provider_raw
