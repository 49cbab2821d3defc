"""How long a refund takes to reach the buyer once the shop has sent it, by how the buyer paid.

Pure Python, no Django import.  The ranges are business days counted from the day the refund is
sent, as payment providers commonly state them for a refund "to the original payment route"
(balances at once, bank cards in days, credit cards longest).  They are a promise the status page
makes to the buyer, so a shop whose provider says otherwise should change the table here, not a
template.  A method not in the table gets the generic 1-7 business days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aftersales.domain.deadlines import add_business_days


@dataclass(frozen=True)
class Arrival:
    method: str
    zh: str              # the method's name
    en: str
    min_days: int        # business days after the refund is sent
    max_days: int

    def words(self, lang: str) -> str:
        """"1-3 business days" / "1–3 个工作日" / "at once"."""
        zh = lang.startswith("zh")
        if self.max_days == 0:
            return "即时到账" if zh else "at once"
        span = f"{self.min_days}–{self.max_days}" if self.min_days != self.max_days else f"{self.max_days}"
        return f"{span} 个工作日" if zh else f"{span} business day{'s' if self.max_days != 1 else ''}"


METHODS: dict[str, Arrival] = {a.method: a for a in (
    Arrival("balance", "账户余额", "account balance", 0, 0),
    Arrival("store_credit", "店铺余额", "store credit", 0, 0),
    Arrival("alipay", "支付宝", "Alipay", 0, 3),
    Arrival("wechat_pay", "微信支付", "WeChat Pay", 0, 3),
    Arrival("douyin_pay", "抖音支付", "Douyin Pay", 1, 3),
    Arrival("unionpay", "银联/储蓄卡", "UnionPay / debit card", 1, 7),
    Arrival("debit_card", "储蓄卡", "debit card", 1, 7),
    Arrival("credit_card", "信用卡", "credit card", 3, 15),
    Arrival("paypal", "PayPal", "PayPal", 0, 5),
    Arrival("card", "银行卡", "card", 5, 10),
)}
DEFAULT = Arrival("", "原支付方式", "the original payment method", 1, 7)


def arrival_for(method: str) -> Arrival:
    return METHODS.get((method or "").strip().lower(), DEFAULT)


def window(sent_at: datetime, method: str, calendar: str, tz: str) -> tuple[datetime, datetime]:
    """(earliest, latest) arrival of a refund sent at `sent_at` (aware), counted in the shop's
    business days; "at once" is the sending moment itself."""
    a = arrival_for(method)
    first = add_business_days(sent_at, a.min_days, calendar, tz).at if a.min_days else sent_at
    last = add_business_days(sent_at, a.max_days, calendar, tz).at if a.max_days else sent_at
    return first, last
