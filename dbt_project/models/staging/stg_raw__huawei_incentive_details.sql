with

source as (
    select * from {{ source('raw', 'huawei_incentive_details') }}
),

renamed as (
    select
        cast(detail_id as string) as detail_id,
        cast(billing_period as string) as billing_period,
        cast(partner_id as string) as partner_id,
        cast(transaction_type as string) as transaction_type,
        cast(order_no as string) as order_no,
        cast(resource_id as string) as resource_id,
        cast(usage_date as date) as usage_date,
        cast(project_id as string) as project_id,
        cast(customer_name as string) as customer_name,
        cast(account_name as string) as account_name,
        cast(reseller_name as string) as reseller_name,
        cast(customer_manager_name as string) as customer_manager_name,
        cast(product_type as string) as product_type,
        cast(incentive_type as string) as incentive_type,
        cast(eligible_amount as decimal(18, 2)) as eligible_amount,
        cast(rate as decimal(9, 6)) as rate,
        cast(incentive_amount as decimal(18, 2)) as incentive_amount,
        cast(statement_status as string) as statement_status,
        cast(_file as string) as source_file,
        cast(_row_number as integer) as source_row
    from source
)

select * from renamed
