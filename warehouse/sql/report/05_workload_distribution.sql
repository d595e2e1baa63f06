-- title: Notional workload
-- about: Courses by notional workload in hours (the upper bound of the stated range); a course listed on several sources counts once.
-- chart: column
-- requires: offers
-- empty: No current courses: the warehouse holds no active listing.
with bins as (
    select * from (values
        (0, 'Under 10 h', 0, 10), (1, '10 to 25 h', 10, 25), (2, '25 to 50 h', 25, 50), (3, '50 to 100 h', 50, 100),
        (4, '100 to 250 h', 100, 250), (5, '250 to 500 h', 250, 500), (6, '500 h or more', 500, 1e9),
        (7, 'Not stated', null, null)
    ) t(bin, label, lo, hi)
),

course_hours as (
    select course_id, coalesce(workload_hours_max, workload_hours_min) as hours
    from report_courses
)

select b.label as workload, count(c.course_id) as courses
from bins b
left join course_hours c
    on (b.lo is null and c.hours is null) or (c.hours >= b.lo and c.hours < b.hi)
group by b.bin, b.label
order by b.bin;
