-- a multi-column key is unique (not_null stays a column test): `unique_key: {columns: [source, source_id]}`.
{% test unique_key(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
