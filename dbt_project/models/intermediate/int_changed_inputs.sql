-- depends_on: {{ ref('int_state_inputs') }}
-- The fingerprints of today (int_state_inputs) that differ from those the
-- previous build used (int_applied_state): both versions of a changed one, the new one of
-- an added one, the old one of a removed one. Empty on a full build. Read by
-- int_changed_keys (what to re-rate) and int_warning_scope (what to re-evaluate).
{% set incremental = builds_on_previous_run() %}
with

{% if incremental %}
    inputs as (
        select * from {{ ref('int_state_inputs') }}
    ),

    applied as (
        select * from {{ previous_relation('int_applied_state').include(database=false) }}
        where kind != 'watermark'
    ),

    final as (
        (
            select * from inputs
            except
            select * from applied
        )
        union
        (
            select * from applied
            except
            select * from inputs
        )
    )
{% else %}
    final as (
        select
            cast(null as string) as kind,
            cast(null as string) as state_key,
            cast(null as string) as fingerprint,
            {{ no_policy_columns() }}
        where 1 = 0
    )
{% endif %}

select * from final
