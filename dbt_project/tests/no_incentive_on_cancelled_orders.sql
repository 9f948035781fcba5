-- Cancelled orders count for nothing: no detail row, no window amount of a project.
select
    details.transaction_id,
    orders.order_status
from {{ ref('incentive_details') }} as details
inner join {{ ref('stg_raw__orders') }} as orders on details.order_no = orders.order_no
where orders.order_status = 'cancelled'
