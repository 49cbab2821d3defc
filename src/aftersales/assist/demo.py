"""Assistance's part of `aftersales demo`: a few new buyer messages on open cases, which arrive
typed, with urgency, a suggested solution and a draft reply (and automatic answers to the common
questions).  Idempotent: each message has an external id and is added once.
"""

from __future__ import annotations

from aftersales.assist.models import CaseAssessment
from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.cases.permissions import Who

# Written for the demo (not from any data set): (language, text)
MESSAGES = (
    ("zh", "快递显示签收了但我没收到，家里人也说没看到，明天要用，麻烦尽快！"),
    ("zh", "耳机左边没声音，才用了两天，再不处理我就给差评了"),
    ("zh", "我的退款什么时候到账？"),
    ("zh", "退货地址是什么？我今天寄回去"),
    ("zh", "下单五天了怎么还没发货"),
    ("zh", "发票抬头要改成公司，税号稍后发你"),
    ("en", "The dress runs two sizes small, can I exchange it for a medium?"),
    ("en", "Where is my package? The tracking hasn't updated in a week!!!!"),
    ("en", "It arrived broken, the glass was shattered in the box."),
)


def seed(org, stdout=None) -> int:
    cases = list(Case.objects.filter(organisation=org, is_open=True).select_related("shop").order_by("id"))
    zh = [c for c in cases if c.currency != "USD"]
    en = [c for c in cases if c.currency == "USD"] or zh
    added = 0
    for n, (language, text) in enumerate(MESSAGES):
        pool = zh if language == "zh" else en
        if not pool:
            continue
        case = pool[(n * 7) % len(pool)]
        services.add_message(org, case.pk, Who.buyer(), text, channel="chat", external_id=f"assist-demo-{n}")
        added += 1
    if stdout is not None:
        typed = CaseAssessment.objects.filter(case__organisation=org, set_type=True).count()
        urgent = CaseAssessment.objects.filter(case__organisation=org, urgent=True).count()
        answered = Case.objects.filter(organisation=org, events__kind="assist.auto_answer").distinct().count()
        stdout.write(f"Assistance: {added} new buyer messages; {typed} cases typed from the buyer's words, "
                     f"{urgent} read as urgent, {answered} answered automatically")
    return added
