-- title: ECTS credits
-- about: Courses by ECTS credits, as the source gives them or as estimated from the stated workload at 25 to 30 hours per credit; a course listed on several sources counts once.
-- chart: column
-- requires: offers
-- empty: No current courses: the warehouse holds no active listing.
with bins as (
    select * from (values
        (0, 'Under 1', 0, 1), (1, '1 to 2', 1, 2), (2, '2 to 5', 2, 5), (3, '5 to 10', 5, 10.001),
        (4, '10 to 15', 10.001, 15), (5, '15 to 30', 15, 30), (6, '30 or more', 30, 1e9), (7, 'Not stated', null, null)
    ) t(bin, label, lo, hi)
)

select
    b.label as ects,
    count(c.ects_flag) filter (where c.ects_flag = 'given') as "Given by the source",
    count(c.ects_flag) filter (where c.ects_flag = 'estimated') as "Estimated from hours",
    count(*) filter (where b.lo is null and c.ects is null) as "Not stated"
from bins b
left join report_courses c
    on (b.lo is null and c.ects is null) or (c.ects >= b.lo and c.ects < b.hi)
group by b.bin, b.label
order by b.bin;
