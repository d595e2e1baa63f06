-- pre-hook of every model: fails the model named in MCATLAS_DBT_FAIL_MODEL (tests inject a mid-build failure this
-- way); an empty statement otherwise.
{% macro fail_if_requested() %}
    {% if env_var('MCATLAS_DBT_FAIL_MODEL', '') == this.identifier %}
        select error('injected failure in {{ this.identifier }} (MCATLAS_DBT_FAIL_MODEL)')
    {% endif %}
{% endmacro %}
