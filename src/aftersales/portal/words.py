"""What the buyer reads, in Chinese and English, as data: the stages of a request, what is
happening now and who acts, and one sentence per step.  The status page (portal/present.py) and
every notification (portal/notices.py) take their words from here, so that the e-mail and the page
say the same thing.  Each entry is (zh, en); `say(pair, lang, **values)` fills it in.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aftersales.domain import lifecycle as lc

S, A, R = lc.CaseState, lc.Action, lc.Route


def is_zh(lang: str) -> bool:
    return (lang or "").lower().startswith("zh")


def say(pair: tuple[str, str], lang: str, **values) -> str:
    text = pair[0] if is_zh(lang) else pair[1]
    return text.format(**values) if values else text


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(at: datetime | None, tz: str, lang: str, *, time: bool = True) -> str:
    """"11月28日 18:00" / "28 Nov 18:00" in the shop's zone, with the zone's name outside China."""
    if at is None:
        return ""
    local = at.astimezone(ZoneInfo(tz))
    day = f"{local.month}月{local.day}日" if is_zh(lang) else f"{local.day} {MONTHS[local.month - 1]}"
    text = f"{day} {local:%H:%M}" if time else day
    if time and tz not in ("Asia/Shanghai", "Asia/Chongqing", "Asia/Hong_Kong"):
        text += f" {local.tzname()}"
    return text


# ---------------------------------------------------------------------------------------------
# Stages: the steps bar at the top of the status page

STAGES = {
    "request": ("提交申请", "Request"),
    "review": ("商家审核", "Review"),
    "send_back": ("寄回商品", "Send back"),
    "inspection": ("收货验货", "Inspection"),
    "refund": ("退款", "Refund"),
    "shipping": ("商家发货", "Shipping to you"),
    "done": ("完成", "Done"),
}
ROUTE_STAGES = {
    R.REFUND: ("request", "review", "refund", "done"),
    R.RETURN_THEN_REFUND: ("request", "review", "send_back", "inspection", "refund", "done"),
    R.RETURN_THEN_SHIP: ("request", "review", "send_back", "inspection", "shipping", "done"),
    R.SHIP: ("request", "review", "shipping", "done"),
    R.NONE: ("request", "review", "done"),
}
STATE_STAGE = {
    S.AWAITING_SELLER_REVIEW: "review", S.SELLER_REJECTED: "review", S.AWAITING_BUYER_RESPONSE: "review",
    S.UNKNOWN: "review", S.AWAITING_BUYER_RETURN: "send_back", S.AWAITING_RECEIPT_REVIEW: "inspection",
    S.RECEIPT_REJECTED: "inspection", S.AWAITING_SELLER_SHIPMENT: "shipping", S.AWAITING_BUYER_RECEIPT: "shipping",
    S.REFUND_IN_PROGRESS: "refund", S.COMPLETED: "done", S.CLOSED: "done",
}

# ---------------------------------------------------------------------------------------------
# Now: what is happening, who acts, what next ({due}: the deadline of whoever acts)

WHO = {"seller": ("商家", "The shop"), "buyer": ("您", "You"), "platform": ("平台", "The platform"),
       "": ("无需操作", "Nobody")}
NOW: dict[str, tuple[tuple[str, str], str]] = {
    S.AWAITING_SELLER_REVIEW: (("商家正在审核您的申请。", "The shop is reviewing your request."), "seller"),
    S.SELLER_REJECTED: (("商家没有同意您的申请。", "The shop declined your request."), "buyer"),
    S.AWAITING_BUYER_RESPONSE: (("商家给出了处理方案，请选择一个。", "The shop offers you a choice: please pick one."),
                                "buyer"),
    S.AWAITING_BUYER_RETURN: (("请把商品寄回，并填写快递单号。",
                               "Please send the item back and enter the tracking number."), "buyer"),
    S.AWAITING_RECEIPT_REVIEW: (("退货正在寄回商家，收到后商家会验货。",
                                 "Your return is on its way; the shop checks it when it arrives."), "seller"),
    S.RECEIPT_REJECTED: (("退回的商品没有通过商家验货。", "The returned item did not pass the shop's check."), "buyer"),
    S.AWAITING_SELLER_SHIPMENT: (("商家正在为您准备发货。", "The shop is getting your item ready to send."), "seller"),
    S.AWAITING_BUYER_RECEIPT: (("商品已发出，请留意查收，收到后请确认。",
                                "Your item is on its way to you; confirm when it has arrived."), "buyer"),
    S.REFUND_IN_PROGRESS: (("退款处理中。", "Your refund is on its way."), "seller"),
    S.COMPLETED: (("售后已完成。", "All done."), ""),
    S.CLOSED: (("售后已关闭。", "This request is closed."), ""),
    S.UNKNOWN: (("我们正在和平台核对最新状态。", "We are checking the latest status with the platform."), "platform"),
}
NEXT: dict[str, tuple[str, str]] = {
    S.AWAITING_SELLER_REVIEW: ("商家会在 {due} 前答复。", "The shop answers by {due}."),
    S.SELLER_REJECTED: ("您可以补充说明和照片后再次提交，或联系客服。",
                        "You can add details or photos and ask again, or write to the shop."),
    S.AWAITING_BUYER_RESPONSE: ("请在 {due} 前选择。", "Please choose by {due}."),
    S.AWAITING_BUYER_RETURN: ("请在 {due} 前寄出。", "Please send it by {due}."),
    S.AWAITING_RECEIPT_REVIEW: ("商家会在收到后尽快验货（最晚 {due}）。",
                                "The shop checks it soon after it arrives (by {due} at the latest)."),
    S.RECEIPT_REJECTED: ("如有疑问请联系客服。", "If you disagree, write to the shop."),
    S.AWAITING_SELLER_SHIPMENT: ("商家会在 {due} 前发出。", "The shop sends it by {due}."),
    S.AWAITING_BUYER_RECEIPT: ("如未确认，将在 {due} 自动确认收货。", "If you do not, delivery is confirmed on {due}."),
    S.REFUND_IN_PROGRESS: ("预计 {arrival} 到账。", "Expected to arrive {arrival}."),
    S.COMPLETED: ("感谢您的耐心，欢迎评价我们的服务。", "Thank you for your patience. Tell us how we did."),
    S.CLOSED: ("如还有问题，可以重新提交申请。", "If something is still wrong, you can make a new request."),
    S.UNKNOWN: ("", ""),
}
TIMEOUT_NOTE = {   # own stores: what our sweep does when the one acting does not
    "auto_approve": ("如商家未按时答复，申请将自动通过。", "If it does not, your request is approved automatically."),
    "auto_refund": ("如商家未按时答复，将自动退款。", "If it does not, you are refunded automatically."),
    "auto_close": ("逾期未操作，申请将自动关闭。", "If this is not done in time, the request closes."),
}

# ---------------------------------------------------------------------------------------------
# One sentence per step (timeline entries and the first line of a notification)

STEP: dict[str, tuple[str, str]] = {
    A.APPROVE: ("商家已同意您的申请。", "The shop approved your request."),
    A.REJECT: ("商家没有同意您的申请。原因：{reason}", "The shop declined your request. Reason: {reason}"),
    A.OFFER: ("商家给出了处理方案：{options}", "The shop offers: {options}"),
    A.ACCEPT_OFFER: ("您选择了：{chosen}", "You chose: {chosen}"),
    A.DECLINE_OFFER: ("您没有接受商家的方案，商家会重新处理。", "You declined the offer; the shop takes another look."),
    A.MODIFY: ("您修改了申请。", "You changed your request."),
    A.SHIP_RETURN: ("退货已寄出：{parcel}", "Return sent: {parcel}"),
    A.CONVERT_TO_REFUND: ("商家同意直接退款，商品无需寄回。", "The shop refunds you; the item need not come back."),
    A.CONFIRM_RECEIPT: ("商家已收到退货，验货通过。", "The shop received your return and it passed the check."),
    A.REJECT_RECEIPT: ("退货没有通过验货：{reason}", "Your return did not pass the check: {reason}"),
    A.SHIP_TO_BUYER: ("商家已发货：{parcel}", "The shop sent your item: {parcel}"),
    A.CONFIRM_DELIVERY: ("已确认收货。", "Delivery confirmed."),
    A.REFUND_SUCCEEDED: ("退款已到账。", "Your refund has been paid."),
    A.RULED_FOR_BUYER: ("平台判定支持您。", "The platform ruled in your favour."),
    A.RULED_FOR_SELLER: ("平台判定支持商家。", "The platform ruled for the shop."),
    A.CANCEL: ("申请已撤销。", "The request was withdrawn."),
    A.CLOSE: ("售后已关闭。", "The request was closed."),
}
AUTO_APPROVED = ("您的申请已自动通过。", "Your request was approved automatically.")
KIND: dict[str, tuple[str, str]] = {
    "created": ("我们收到了您的售后申请 {number}。", "We received your after-sales request {number}."),
    "evidence": ("已收到您上传的{what}。", "We received your {what}."),
    "evidence.requested": ("商家请您补充：{what}", "The shop asks you to send {what}"),
    "refund.paid": ("商家已退款 {amount}，预计 {arrival} 到账（{method}）。",
                    "The shop sent your refund of {amount}; expected {arrival} ({method})."),
    "rating": ("您给我们的服务评了 {score} 星。", "You rated our service {score}/5."),
    "pickup": ("已预约上门取件：{when}，{carrier}。", "Pickup booked: {when}, {carrier}."),
    "follow_up.answer": ("感谢您的反馈：{answer}", "Thank you for your answer: {answer}"),
    "message.seller": ("商家回复：{body}", "The shop wrote: {body}"),
    "message.buyer": ("您的留言：{body}", "You wrote: {body}"),
}
EVIDENCE_KIND = {"photo": ("照片", "photo"), "video": ("视频", "video"), "document": ("文件", "document")}
SATISFIED = {True: ("满意", "satisfied"), False: ("不满意", "not satisfied")}
ARRIVAL_SPAN = ("{first} 至 {last}", "between {first} and {last}")
ARRIVAL_BY = ("{last} 前", "by {last}")
