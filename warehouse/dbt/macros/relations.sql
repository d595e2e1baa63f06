-- refs and sources render unqualified ("offers", not "mcatlas"."main"."offers"), as the warehouse sql always was:
-- views then work whatever the file is called or attached as, and can be published from the build copy into the
-- live file unchanged.
{% macro ref() %}
    {% set rel = builtins.ref(*varargs, **kwargs) %}
    {% do return(rel.include(database=false, schema=false)) %}
{% endmacro %}

{% macro source(source_name, table_name) %}
    {% set rel = builtins.source(source_name, table_name) %}
    {% do return(rel.include(database=false, schema=false)) %}
{% endmacro %}
