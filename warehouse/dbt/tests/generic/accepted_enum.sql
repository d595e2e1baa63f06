-- a column holds only the values of one enumeration of the offer schema (a Literal in models/offer.py). The values
-- are not copied here: warehouse/build.py hands them to dbt as MCATLAS_ENUM_<NAME> (comma-separated).
{% test accepted_enum(model, column_name, enum) %}
{% set values = env_var('MCATLAS_ENUM_' ~ enum | upper).split(',') %}
select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and {{ column_name }} not in ({% for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})
{% endtest %}
