"""The reply templates every shop starts with: two per problem type (explain.PROBLEM_KINDS) and
language.  A shop rewords them with `cases.models.ReplyTemplate` (cases/replies.py says how).

The tone rules they follow, and a shop's own should too:
  1. acknowledge the buyer's feelings first ("we know how frustrating that is");
  2. ask choice questions, not open ones ("a replacement or a refund?" rather than "what do you want?");
  3. positive wording: what we will do, not what we cannot.
Placeholders: {buyer_name} {order_number} {case_number} {shop_name} {tracking_number} {refund_eta}
(cases.replies.PLACEHOLDERS fills them from the case).
"""

from __future__ import annotations

# (kind, language, title, body)
DEFAULTS: tuple[tuple[str, str, str, str], ...] = (
    # -- no-reason returns -------------------------------------------------------------------
    ("no_reason", "zh", "确认退货申请",
     "{buyer_name}您好！收到您对订单 {order_number} 的退货申请，商品不合心意确实让人遗憾，我们很理解您的心情。"
     "您是希望退货退款，还是换一个尺码或款式呢？确认后我们马上为您安排。"),
    ("no_reason", "zh", "退货寄回说明",
     "{buyer_name}您好，您的退货申请（{case_number}）已通过，感谢您的耐心！请在 7 天内将商品连同吊牌、配件寄回，"
     "寄出后在订单里填写运单号即可。您方便今天寄出，还是明天寄出呢？我们收到后会第一时间为您退款，预计 {refund_eta} 到账。"),
    ("no_reason", "en", "Confirm the return",
     "Hi {buyer_name}, thank you for letting us know about order {order_number}. We understand it's disappointing "
     "when an item isn't quite right for you. Would you prefer a refund, or an exchange for another size or style? "
     "Just reply with your choice and we'll take care of the rest."),
    ("no_reason", "en", "How to send it back",
     "Hi {buyer_name}, good news: your return {case_number} is approved, and thank you for your patience! Please send "
     "the item back with its tags and accessories within 7 days and add the tracking number to your order. Will you "
     "be able to ship it today or tomorrow? As soon as it arrives we'll refund you; you can expect the money {refund_eta}."),
    # -- quality -----------------------------------------------------------------------------
    ("quality", "zh", "致歉并请选择方案",
     "{buyer_name}您好，非常抱歉商品给您带来了不好的体验，换作是我们也会着急的。为了尽快帮您解决，您方便拍一张问题部位的照片吗？"
     "收到后我们可以为您换一件新的，或者直接为您退款，您更倾向哪一种呢？"),
    ("quality", "zh", "已为您处理",
     "{buyer_name}您好，再次为商品的问题向您道歉，也谢谢您提供的照片，帮了我们很大的忙。您的售后单 {case_number} 已处理，"
     "退款预计 {refund_eta} 到账；如果您更希望换新，我们也可以马上为您安排。祝您生活愉快！"),
    ("quality", "en", "Apologise and offer a choice",
     "Hi {buyer_name}, we're truly sorry the item from order {order_number} let you down; we know how frustrating "
     "that is. To put it right quickly, could you send us a photo of the problem? Then we can send you a replacement "
     "or refund you in full. Which would suit you better?"),
    ("quality", "en", "Problem solved",
     "Hi {buyer_name}, thank you for the photos, they helped us a lot, and sorry again for the trouble. Your case "
     "{case_number} is settled: the refund should reach you {refund_eta}. Would you rather have a new one instead? "
     "Just say so and we'll ship it right away."),
    # -- not as described --------------------------------------------------------------------
    ("not_as_described", "zh", "与描述不符",
     "{buyer_name}您好，收到的商品和预期不一样，确实会让人失望，非常理解您的感受。麻烦您拍一张与页面描述不同之处的照片，"
     "我们核实后第一时间给您答复。您是希望退货退款，还是商品继续使用、我们为您补偿部分款项呢？"),
    ("not_as_described", "zh", "两个方案供您选择",
     "{buyer_name}您好，感谢您耐心等待核实。我们为您准备了两个方案：一是退货退款，退货运费由我们承担；"
     "二是商品您继续使用，我们为您退还部分款项。您选择哪一个呢？回复序号即可。"),
    ("not_as_described", "en", "Not as described",
     "Hi {buyer_name}, we're sorry the item didn't match what you expected from our listing; that's disappointing, "
     "and we want to make it right. Could you send a photo showing the difference? Once we've seen it, would you "
     "prefer to return it for a full refund, or keep it with a partial refund?"),
    ("not_as_described", "en", "Two options to choose from",
     "Hi {buyer_name}, thank you for waiting while we checked. We can offer you two options: 1) return the item and "
     "we refund you in full, with return shipping on us; or 2) keep the item and we refund part of the price. Which "
     "would you like? Just reply 1 or 2."),
    # -- fulfilment --------------------------------------------------------------------------
    ("fulfilment", "zh", "发错或漏发致歉",
     "{buyer_name}您好，真的很抱歉，是我们发货时出了差错，给您添麻烦了。我们马上为您处理：为您补发正确的商品，"
     "或者为您办理退款，您看哪种更方便呢？"),
    ("fulfilment", "zh", "补发已寄出",
     "{buyer_name}您好，让您久等了！补发的商品已经寄出，运单号是 {tracking_number}，您可以随时查看物流。"
     "收到后如果还有任何问题，直接回复我们就好，我们一直都在。"),
    ("fulfilment", "en", "Wrong or missing item",
     "Hi {buyer_name}, we're very sorry: we made a mistake when packing order {order_number}, and we understand how "
     "annoying that is. We'll fix it straight away. Would you like us to send the right item, or would you prefer a "
     "refund?"),
    ("fulfilment", "en", "Replacement on its way",
     "Hi {buyer_name}, thank you for your patience! Your replacement is on its way with tracking number "
     "{tracking_number}. If anything else comes up when it arrives, just reply here; we're glad to help."),
    # -- logistics ---------------------------------------------------------------------------
    ("logistics", "zh", "包裹未送达",
     "{buyer_name}您好，包裹迟迟没到，换谁都会着急，非常理解您的心情。我们已经联系快递核实运单 {tracking_number} 的情况。"
     "您是希望我们为您重新发一件，还是直接为您办理退款呢？"),
    ("logistics", "zh", "运输途中破损",
     "{buyer_name}您好，很抱歉商品在运输途中受损，让您的期待落空了。麻烦您拍一下外包装和破损处的照片，我们会尽快为您处理："
     "补发一件新的或者退款，您更倾向哪一种呢？"),
    ("logistics", "en", "Parcel not arrived",
     "Hi {buyer_name}, we're sorry your parcel hasn't arrived yet; we know waiting is frustrating. We've asked the "
     "carrier about tracking number {tracking_number}. Meanwhile, would you prefer that we send a new one, or refund "
     "you?"),
    ("logistics", "en", "Damaged in transit",
     "Hi {buyer_name}, we're sorry your order arrived damaged. Could you send a photo of the box and of the damage? "
     "Then we'll sort it out quickly: a new one sent to you, or a refund, whichever you prefer."),
    # -- price -------------------------------------------------------------------------------
    ("price", "zh", "价保退差价",
     "{buyer_name}您好，理解您看到降价时的心情，感谢您第一时间告诉我们。我们会为订单 {order_number} 退还差价，"
     "预计 {refund_eta} 到账。您希望原路退回，还是以店铺优惠券的形式补偿呢？"),
    ("price", "zh", "运费补偿",
     "{buyer_name}您好，谢谢您的耐心，运费的问题我们已经为您核实清楚了。我们很乐意为您补偿运费，"
     "您希望退回到原支付账户，还是发放一张等额的优惠券呢？"),
    ("price", "en", "Price protection",
     "Hi {buyer_name}, we understand how it feels to see the price drop right after buying, and thank you for telling "
     "us. We'll refund the difference on order {order_number}; it should reach you {refund_eta}. Would you like it "
     "back on your original payment method, or as a store coupon?"),
    ("price", "en", "Shipping fee",
     "Hi {buyer_name}, thank you for your patience; we've looked into the shipping fee for you. We're happy to cover "
     "it: would you like the money back to your original payment method, or a coupon of the same value?"),
    # -- other -------------------------------------------------------------------------------
    ("other", "zh", "首次回复",
     "{buyer_name}您好，我是{shop_name}的售后客服，已收到您的售后申请（{case_number}），谢谢您的信任。"
     "为了更快帮您处理，您是希望退款、换货，还是其他的解决方式呢？"),
    ("other", "zh", "处理进度",
     "{buyer_name}您好，感谢您的耐心等待！您的售后单 {case_number} 正在处理中，我们会在今天给您明确答复。"
     "您方便我们电话联系，还是在这里留言回复您呢？"),
    ("other", "en", "First reply",
     "Hi {buyer_name}, this is the after-sales team of {shop_name}. We've received your request {case_number}; thank "
     "you for reaching out. So that we can help you quickly: would you like a refund, an exchange, or something else?"),
    ("other", "en", "Progress update",
     "Hi {buyer_name}, thank you for your patience! We're working on your case {case_number} and will give you a clear "
     "answer today. Would you prefer a call, or a reply here?"),
)
