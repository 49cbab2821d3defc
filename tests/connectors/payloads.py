"""Platform payloads as the platforms document them, for the connector tests.

Sources (shapes and field names; the values are made up):
- Douyin message push: zsmhub/doudian-sdk message/doudian_message.go (envelope), message/买家发起售后申请消息.go
  (200, doc op.jinritemai.com/docs/message-docs/31/115), 同意退货申请消息 (202, 31/117; bububa/jinritemai-go
  message/refund/returnApplyAgree.go adds `addr`), 买家退货给卖家消息 (203, 31/118; bububa buyReturnGoods.go:
  `logistics`, `return_time`), 售后超时时长变更消息 (209, 31/226), 同意退款消息 (201, 31/116), 退款成功消息 (206, 31/121).
- TikTok Shop webhooks: EcomPHP/tiktokshop-php src/Webhook.php (envelope, signature); type 12 data per
  PLATFORMS.md §3.6 (hsib19/tiktok-shop-sdk); returns/search items: hsib19 ReturnRefundModule.ts.
- Taobao TMC: TheNorthMemory/tmc.js types/taobao.d.ts (Taobao.Refund.RefundCreated and friends,
  Taobao.Logistics.LogsticDetailTrace); refunds.receive.get fields: bububa/opentaobao model/refund/Refund.go.
- Shopify: shopify.dev webhook headers (verify-deliveries); returns/request payload as delivered to public
  Shopify apps ({id, admin_graphql_api_id, status, order{id}, return_line_items[...]}).
"""

DOUYIN_REFUND_CREATED = {   # tag 200
    "aftersale_id": 7302111122223333444, "aftersale_status": 6, "aftersale_type": 0, "apply_time": 1795999200,
    "p_id": 6179595000000000001, "s_id": 6179595000000000001, "shop_id": "88016", "reason_code": 7,
    "refund_amount": 7900, "refund_post_amount": 0, "refund_voucher_num": 0,
    "latest_record": "买家发起售后申请：退货退款，原因：做工粗糙/有瑕疵/破损或污渍"}
DOUYIN_RETURN_AGREED = {    # tag 202
    **DOUYIN_REFUND_CREATED, "aftersale_status": 7, "agree_time": 1795999500, "addr": "浙江省杭州市余杭区良睦路 1399 号"}
DOUYIN_BUYER_RETURNED = {   # tag 203
    **DOUYIN_REFUND_CREATED, "aftersale_status": 11, "return_time": 1796003100, "logistics": 773012345678}
DOUYIN_DEADLINE_CHANGED = {  # tag 209
    "aftersale_id": 7302111122223333444, "aftersale_status": 11, "aftersale_type": 0,
    "p_id": 6179595000000000001, "s_id": 6179595000000000001, "shop_id": "88016", "status_deadline": 1796262300}
DOUYIN_REFUND_AGREED = {**DOUYIN_REFUND_CREATED, "aftersale_status": 12, "agree_time": 1796010000}   # tag 201
DOUYIN_REFUND_SUCCESS = {**DOUYIN_REFUND_CREATED, "aftersale_status": 12, "success_time": 1796010600}  # tag 206

TIKTOK_RETURN_PENDING = {   # type 12 RETURN_STATUS_CHANGE data
    "order_id": "571795950000000001", "return_role": "BUYER", "return_type": "REFUND",
    "return_status": "RETURN_OR_REFUND_REQUEST_PENDING", "return_id": "4035123456789012", "create_time": 1795999200,
    "update_time": 1795999200}
TIKTOK_RETURN_SUCCESS = {**TIKTOK_RETURN_PENDING, "return_status": "RETURN_OR_REFUND_REQUEST_SUCCESS",
                         "update_time": 1796003000}
TIKTOK_SEARCH_ITEM = {      # one of returns/search's return_orders
    "return_id": "4035123456789012", "order_id": "571795950000000001", "return_type": "REFUND",
    "return_status": "RETURN_OR_REFUND_REQUEST_PENDING", "arbitration_status": "", "role": "BUYER",
    "return_reason": "ecom_order_delivered_refund_reason_damaged", "return_reason_text": "Arrived damaged",
    "seller_next_action_response": [{"action": "SELLER_RESPOND_REFUND", "deadline": 1796172000}],
    "refund_amount": {"currency": "USD", "refund_total": "11.99"},
    "create_time": 1795999200, "update_time": 1795999260,
    "return_line_items": [{"return_line_item_id": "1", "order_line_item_id": "5719", "sku_id": "571795950000000001"}]}

TAOBAO_REFUND_CREATED = {   # taobao_refund_RefundCreated content
    "refund_id": 21795950000001, "tid": 3179595000000000001, "oid": 3179595000000000001, "bill_type": "return_bill",
    "refund_phase": "aftersale", "refund_fee": "79.00", "buyer_open_uid": "AAH00012345tbuid", "seller_nick": "山野生活",
    "modified": "2026-11-24 10:00:00"}
TAOBAO_TRACE = {            # taobao_logistics_LogsticDetailTrace content
    "tid": 3179595000000000001, "out_sid": "ZTO773098765432", "company_name": "中通快递", "action": "SIGNED",
    "desc": "【杭州市】已签收", "time": "2026-11-26 15:20:00"}

SHOPIFY_RETURN_REQUEST = {  # returns/request
    "id": 1795950000101, "admin_graphql_api_id": "gid://shopify/Return/1795950000101", "status": "requested",
    "order": {"id": 1795700000001, "admin_graphql_api_id": "gid://shopify/Order/1795700000001"},
    "return_line_items": [{"id": 17959500001011, "quantity": 1, "return_reason": "SIZE_TOO_SMALL",
                           "customer_note": "Runs small, I need the next size up",
                           "fulfillment_line_item": {"id": 17959500001012, "line_item": {"id": 1795700000001}}}]}
