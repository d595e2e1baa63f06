-- completeness of every build, kept: one row per (build, source, element) with the share of the source's active
-- offers that carry the element ('score' holds the average completeness score). appended each time
-- offer_completeness is built, in the same transaction, so that the completeness_not_regressing check can compare
-- a build with the one before it, and analysts can chart completeness over time.
create table if not exists completeness_history (
    measured_at timestamp not null,
    source varchar not null,
    element varchar not null,
    offers integer not null,
    share double not null,
    primary key (measured_at, source, element)
);

insert into completeness_history
select
    current_timestamp::timestamp as measured_at,
    source,
    case when measure = 'avg_score' then 'score' else replace(measure, 'share_', '') end as element,
    offers,
    share
from (
    unpivot offer_completeness_by_source
    on columns(* exclude (source, offers))
    into name measure value share
);
