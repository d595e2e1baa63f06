-- the euroteq micro-credential checklist as a rule set: one row per offer and rule, with result and reason.
-- result is true or false only where the data decides it; unknown stays null, never false.
-- rules: taught in english; online / hybrid / blended; 2-10 ects; a combination of two or more course elements;
-- intercultural / interdisciplinary / entrepreneurial elements (true where detected, otherwise null).

with texts as (
    select
        o.source,
        o.source_id,
        -- teaching methods: DTU's and LHÉO's teaching_methods, the eduXchange (EuroTeQ) consumer's activities
        lower(concat_ws(' ', o.description, o.extras ->> '$.teaching_methods', o.extras ->> '$.activities',
            o.stackability)) as method_text,
        lower(concat_ws(' ', o.title, o.description, o.extras ->> '$.teaching_methods',
            (select string_agg(l.text, ' ') from {{ ref('learning_outcomes') }} l
             where l.source = o.source and l.source_id = o.source_id))) as theme_text,
        -- member courses of a programme: the parsers' shared marker (member_courses), Coursera's and edX's ids
        greatest(coalesce(json_array_length(o.extras -> '$.course_ids'), 0),
                 coalesce(json_array_length(o.extras -> '$.course_keys'), 0),
                 coalesce(json_array_length(o.extras -> '$.member_courses'), 0)) as n_courses
    from {{ ref('offers') }} o
),
found as (
    select t.source, t.source_id, v.kind, list(v.name order by v.name) as names
    from texts t
    join {{ ref('euroteq_vocabulary') }} v
        on regexp_matches(case v.kind when 'element' then t.method_text else t.theme_text end, v.pattern)
    group by all
),
per_offer as (
    select
        o.source,
        o.source_id,
        o.languages,
        o.participation_form,
        o.participation_raw,
        o.ects,
        o.ects_flag,
        t.n_courses,
        e.names as elements,
        th.names as themes
    from {{ ref('offers') }} o
    join texts t using (source, source_id)
    left join found e on e.source = o.source and e.source_id = o.source_id and e.kind = 'element'
    left join found th on th.source = o.source and th.source_id = o.source_id and th.kind = 'theme'
)
select source, source_id, 'taught_in_english' as rule,
    case when coalesce(len(languages), 0) = 0 then null else list_contains(languages, 'en') end as result,
    case
        when coalesce(len(languages), 0) = 0 then 'teaching language not stated'
        when list_contains(languages, 'en') then 'taught in English (' || array_to_string(languages, ', ') || ')'
        else 'taught in ' || array_to_string(languages, ', ') || ', not English'
    end as reason
from per_offer
union all
select source, source_id, 'online_hybrid_or_blended',
    case participation_form when 'online' then true when 'blended' then true when 'on-site' then false end,
    case
        when participation_form is null then 'form of participation not stated'
        else participation_form || coalesce(' (source: ' || participation_raw || ')', '')
    end
from per_offer
union all
select source, source_id, 'ects_2_to_10',
    case when ects is null then null else ects between 2 and 10 end,
    case
        when ects is null then 'no ECTS and no workload to estimate them from'
        else ects::varchar || ' ECTS (' || ects_flag || ')'
            || case when ects between 2 and 10 then ' within' else ' outside' end
            || ' 2-10'
    end
from per_offer
union all
select source, source_id, 'two_or_more_course_elements',
    case when n_courses >= 2 or coalesce(len(elements), 0) >= 2 then true end,
    case
        when n_courses >= 2 then 'combines ' || n_courses || ' courses'
        when coalesce(len(elements), 0) >= 2 then 'combines ' || array_to_string(elements, ', ')
        when coalesce(len(elements), 0) = 1 then 'only ' || elements[1] || ' detected; other elements unknown'
        else 'no course elements detected'
    end
from per_offer
union all
select source, source_id, 'intercultural_interdisciplinary_or_entrepreneurial',
    case when coalesce(len(themes), 0) > 0 then true end,
    case when coalesce(len(themes), 0) > 0 then array_to_string(themes, ', ') || ' elements detected'
        else 'not detected in title, description or outcomes' end
from per_offer
