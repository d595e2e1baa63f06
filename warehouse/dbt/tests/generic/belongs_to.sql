-- every row's multi-column key exists in `to` (relationships over several columns).
{% test belongs_to(model, to, columns) %}
select {{ columns | join(', ') }}
from {{ model }}
anti join {{ to }} using ({{ columns | join(', ') }})
{% endtest %}
