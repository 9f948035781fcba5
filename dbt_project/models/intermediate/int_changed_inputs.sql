-- depends_on: {{ ref('int_state_inputs') }}
-- The fingerprints of today (int_state_inputs) that differ from those the previous build
-- used (int_applied_state): both versions of a changed one, the new one of an added one,
-- the old one of a removed one; is_current tells today's from the previous. Empty on a
-- full build. Read by int_changed_customers and int_changed_keys (what to re-rate),
-- int_warning_scope (what to re-evaluate) and int_board_revenue_daily (which days).
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

    added as (
        select * from inputs
        except
        select * from applied
    ),

    removed as (
        select * from applied
        except
        select * from inputs
    ),

    final as (
        select
            added.*,
            true as is_current
        from added
        union all
        select
            removed.*,
            false as is_current
        from removed
    )
{% else %}
    final as (
        select
            cast(null as string) as kind,
            cast(null as string) as state_key,
            cast(null as string) as fingerprint,
            {{ no_state_detail_columns() }},
            cast(null as boolean) as is_current
        where 1 = 0
    )
{% endif %}

select * from final
