-- title: ECTS credits
-- about: current offers by ects credits, as given by the source or estimated from the stated workload.
-- chart: column
-- requires: offers
with bins as (
    select * from (values
        (0, 'under 1', 0, 1), (1, '1 to 2', 1, 2), (2, '2 to 5', 2, 5), (3, '5 to 10', 5, 10.001),
        (4, '10 to 15', 10.001, 15), (5, '15 to 30', 15, 30), (6, '30 or more', 30, 1e9), (7, 'not stated', null, null)
    ) t(bin, label, lo, hi)
),
current_offers as (
    select ects, ects_flag from offers where status = 'active'
)
select
    b.label as ects,
    count(o.ects_flag) filter (where o.ects_flag = 'given') as given,
    count(o.ects_flag) filter (where o.ects_flag = 'estimated') as estimated,
    count(*) filter (where b.lo is null and o.ects_flag is null) as not_stated
from bins b
left join current_offers o
    on (b.lo is null and o.ects is null) or (o.ects >= b.lo and o.ects < b.hi)
group by b.bin, b.label
order by b.bin;
