-- title: Notional workload
-- about: current offers by notional workload in hours (upper bound of the stated range).
-- chart: column
-- requires: offers
with bins as (
    select * from (values
        (0, 'under 10 h', 0, 10), (1, '10 to 25 h', 10, 25), (2, '25 to 50 h', 25, 50), (3, '50 to 100 h', 50, 100),
        (4, '100 to 250 h', 100, 250), (5, '250 to 500 h', 250, 500), (6, '500 h or more', 500, 1e9),
        (7, 'not stated', null, null)
    ) t(bin, label, lo, hi)
),
current_offers as (
    select source, source_id, coalesce(workload_hours_max, workload_hours_min) as hours
    from offers
    where status = 'active'
)
select b.label as workload, count(o.source) as offers
from bins b
left join current_offers o
    on (b.lo is null and o.hours is null) or (o.hours >= b.lo and o.hours < b.hi)
group by b.bin, b.label
order by b.bin;
