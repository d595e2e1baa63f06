-- the awarding body of every offer under its canonical name (provider_names), and the country of that body: the
-- country the source states is kept as given; the normaliser's guess from the provider's web site domain and the
-- seed provider_countries (looked up by the canonical name of the first owner) fill the rest, flagged inferred
-- with the reason. a given country is never replaced.
with stated as (
    select
        source,
        source_id,
        provider,
        provider_url,
        country,
        list_contains(
            coalesce(json_extract_string(explanations, '$[*].rule'), []), 'country.from_provider_domain'
        ) as country_from_domain
    from {{ ref('offers') }}
)

select
    o.source,
    o.source_id,
    o.provider as provider_raw,
    coalesce(n.provider, o.provider) as provider,
    coalesce(o.country, pc.country) as country,
    case
        when o.country is not null and o.country_from_domain then 'inferred'
        when o.country is not null then 'given'
        when pc.country is not null then 'inferred'
    end as country_flag,
    case
        when o.country is not null and o.country_from_domain
            then 'provider web site domain: ' || o.provider_url || ' -> ' || o.country
        when o.country is not null then 'stated by the source'
        when pc.country is not null
            then 'provider table: ' || pc.provider || ' -> ' || pc.country || ' (' || pc.fact_source || ')'
            || case when n.n_owners > 1 then '; first of ' || n.n_owners || ' owners' else '' end
        when o.provider is null then 'unknown: no country and no provider stated'
        else
            'unknown: no country stated and ' || coalesce(n.lead_provider, o.provider)
            || ' is not in provider_countries'
    end as country_reason
from stated o
left join {{ ref('provider_names') }} n on n.provider_raw = o.provider
left join {{ ref('provider_countries') }} pc on pc.provider = n.lead_provider
