"""Realistic platform traffic, for demos and load tests: `aftersales simulate`.

Each simulated after-sales *story* is one buyer's order and what happens to it on the platform:
the order, the request, the platform's status changes, buyer messages, tracking scans, and often a
stop at a step where the seller must act (so the queue fills with work).  Stories start at random
and interleave; their events go to the real webhook endpoints, signed as each platform signs them,
with duplicates (the same event id again) and reordering (a case's events swapped in flight).  The
platform time stamps are those of the story, so a late duplicate or a swapped event is older than
what the case holds and changes nothing.

Orders come from world.py: their ids carry the time they were placed, and the server's recording
fake answers the order-detail call from the same id.  Credentials default to the demo's (demo.py).
"""

from __future__ import annotations

import base64
import heapq
import http.client
import json
import math
import random
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from aftersales.cases.management.commands import _demo_data as D
from aftersales.connectors import world
from aftersales.connectors.base import hmac_sha256, md5_hex
from aftersales.connectors.platforms.common import SHANGHAI
from aftersales.connectors.platforms.taobao import Taobao

PLATFORMS = ("douyin", "tiktok_shop", "taobao", "shopify")


@dataclass(frozen=True)
class Target:
    platform: str
    shop_key: str
    app_key: str
    app_secret: str


@dataclass(order=True)
class Send:
    at: float
    seq: int
    platform: str = field(compare=False)
    kind: str = field(compare=False)
    event_id: str = field(compare=False)
    payload: dict = field(compare=False)
    ts: int = field(compare=False)            # the platform's time stamp of the event
    note: str = field(compare=False, default="")


def _ts(dt: datetime) -> str:
    return dt.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


# --- stories -------------------------------------------------------------------------------------

class Stories:
    """Builds one story's events (kind, payload, platform time) per platform."""

    def __init__(self, targets: dict[str, Target], rng: random.Random, salt: int):
        self.targets, self.rng, self.salt, self.n = targets, rng, salt, 0

    def _seq(self) -> int:
        self.n += 1
        return self.salt + self.n

    def story(self, platform: str, now: datetime) -> list[tuple[int, str, str, dict]]:
        """[(seconds after the start, kind, event id, payload)]; platform times inside the payloads."""
        return getattr(self, f"_{platform}")(now)

    def _order(self, platform: str, now: datetime, unshipped: bool = False) -> world.WorldOrder:
        placed = now - (timedelta(minutes=self.rng.uniform(20, 90)) if unshipped
                        else timedelta(days=self.rng.uniform(3.5, 6)))
        while True:
            wo = world.order(platform, world.order_id_for(platform, placed, self._seq()))
            if unshipped == (not wo.shipped(now)):
                return wo
            placed -= timedelta(minutes=7) if not unshipped else -timedelta(minutes=1)

    def _steps(self, now: datetime, n: int) -> list[int]:
        """Seconds after the start of each step (the first now), strictly increasing, at least 2 s apart."""
        out, t = [], 0
        for _ in range(n):
            out.append(t)
            t += self.rng.randint(2, 9)
        return out

    # Douyin: messages {tag, msg_id, data}
    def _douyin(self, now):
        rng, shop = self.rng, self.targets["douyin"].shop_key
        kind = rng.choices(("refund_only", "return_refund", "pre_shipment", "rejected", "exchange"), (30, 35, 12, 13, 10))[0]
        wo = self._order("douyin", now, unshipped=kind == "pre_shipment")
        line = rng.choice(wo.lines)
        aftersale_id = f"7{int(now.timestamp()):010d}{self._seq() % 10 ** 8:08d}"
        dtype = {"refund_only": 1, "return_refund": 0, "pre_shipment": 2, "rejected": 0, "exchange": 3}[kind]
        reason = {"refund_only": rng.choice((7, 8, 21, 9)), "return_refund": rng.choice((1, 6, 16, 7)),
                  "pre_shipment": 1, "rejected": 6, "exchange": 16}[kind]
        amount = int(line.unit_price * 100)
        path = [("101", None)]
        if kind == "refund_only":
            path += [("200", 6)] + ([("201", 12), ("206", 12)] if rng.random() < 0.4 else [])
        elif kind == "return_refund":
            path += [("200", 6)]
            r = rng.random()
            if r > 0.4:
                path += [("202", 7)]
            if r > 0.6:
                path += [("203", 11)]
            if r > 0.85:
                path += [("201", 12), ("206", 12)]
        elif kind == "pre_shipment":
            path += [("200", 6)] + ([("201", 12), ("206", 12)] if rng.random() < 0.5 else [])
        elif kind == "rejected":
            path += [("200", 6), ("205", 27), ("207", 28)]
        else:
            path += [("200", 6)]
        if rng.random() < 0.3:      # Douyin moves the deadline of the open node (message 209)
            path.insert(2, ("209", 6))
        offsets = self._steps(now, len(path))
        out = []
        for (tag, status), off in zip(path, offsets):
            t = int(now.timestamp()) + off
            if tag == "101":
                data = {"p_id": int(wo.order_id), "s_ids": [int(ln.line_id) for ln in wo.lines], "shop_id": shop,
                        "biz": 2, "order_status": 105, "order_type": 0, "pay_type": 1,
                        "pay_time": int(wo.placed_at.timestamp()), "pay_amount": int(wo.total * 100)}
            else:
                data = {"aftersale_id": int(aftersale_id), "aftersale_status": status, "aftersale_type": dtype,
                        "p_id": int(wo.order_id), "s_id": int(line.line_id), "shop_id": shop, "reason_code": reason,
                        "refund_amount": amount, "refund_post_amount": 0, "refund_voucher_num": 0}
                field_name = {"200": "apply_time", "201": "agree_time", "202": "agree_time", "203": "return_time",
                              "204": "refuse_time", "205": "refuse_time", "206": "success_time", "207": "close_time"}
                if tag in field_name:
                    data[field_name[tag]] = t
                if tag == "209":
                    data["status_deadline"] = t + 36 * 3600
                if tag == "202":
                    data["addr"] = "浙江省杭州市余杭区仓前街道 良睦路 1399 号"
                if tag == "203":
                    data["logistics"] = int(f"{rng.randrange(10 ** 11, 10 ** 12)}")
            out.append((off, tag, f"dy{self.salt}{self._seq()}", data))
        return out

    # TikTok Shop: {type, tts_notification_id, shop_id, timestamp, data}
    def _tiktok_shop(self, now):
        rng = self.rng
        kind = rng.choices(("refund", "return", "cancel"), (40, 45, 15))[0]
        wo = self._order("tiktok_shop", now, unshipped=kind == "cancel")
        rid = f"57{int(now.timestamp()):010d}{self._seq() % 10 ** 6:06d}"
        rtype = {"refund": "REFUND", "return": "RETURN_AND_REFUND"}.get(kind)
        if kind == "refund":
            statuses = ["RETURN_OR_REFUND_REQUEST_PENDING"] + (
                ["RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"] if rng.random() < 0.4 else [])
        elif kind == "return":
            statuses = ["RETURN_OR_REFUND_REQUEST_PENDING"]
            r = rng.random()
            if r > 0.4:
                statuses += ["AWAITING_BUYER_SHIP"]
            if r > 0.6:
                statuses += ["BUYER_SHIPPED_ITEM"]
            if r > 0.85:
                statuses += ["RETURN_OR_REFUND_REQUEST_SUCCESS", "RETURN_OR_REFUND_REQUEST_COMPLETE"]
        else:
            statuses = ["CANCELLATION_REQUEST_PENDING"] + (["CANCELLATION_REQUEST_COMPLETE"] if rng.random() < 0.5 else [])
        steps = [("1", None)] + [("11" if kind == "cancel" else "12", s) for s in statuses]
        if rng.random() < 0.5:
            steps.insert(2, ("14", None))
        out = []
        for (typ, status), off in zip(steps, self._steps(now, len(steps))):
            t = int(now.timestamp()) + off
            if typ == "1":
                data = {"order_id": wo.order_id, "order_status": "AWAITING_SHIPMENT" if kind == "cancel" else "DELIVERED",
                        "update_time": t, "is_on_hold_order": False}
            elif typ == "12":
                data = {"order_id": wo.order_id, "return_role": "BUYER", "return_type": rtype, "return_status": status,
                        "return_id": rid, "create_time": int(now.timestamp()) + 1, "update_time": t}
            elif typ == "11":
                data = {"order_id": wo.order_id, "cancellations_role": "BUYER", "cancel_status": status,
                        "cancel_id": rid, "update_time": t}
            else:
                data = {"conversation_id": f"7{wo.buyer_id}", "message_id": f"{rid}{off}", "type": "TEXT",
                        "content": json.dumps({"content": rng.choice(D.BUYER_MESSAGES_EN)}), "create_time": t,
                        "is_visible": True, "sender": {"role": "BUYER", "im_user_id": wo.buyer_id}}
            out.append((off, typ, f"tts{self.salt}{self._seq()}", data))
        return out

    # Taobao: TMC messages {id, topic, content, pub_time, user_id, ...}
    def _taobao(self, now):
        rng = self.rng
        kind = rng.choices(("refund", "return"), (45, 55))[0]
        wo = self._order("taobao", now)
        line = rng.choice(wo.lines)
        refund_id = int(f"2{int(now.timestamp()):010d}{self._seq() % 10 ** 6:06d}")
        bill = "refund_bill" if kind == "refund" else "return_bill"
        topics = ["taobao_trade_TradeBuyerPay", "taobao_refund_RefundCreated"]
        if rng.random() < 0.35:
            topics.append("taobao_refund_RefundCreateMessage")
        if kind == "refund":
            topics += ["taobao_refund_RefundSuccess"] if rng.random() < 0.35 else []
        else:
            r = rng.random()
            if r > 0.4:
                topics.append("taobao_refund_RefundSellerAgreeAgreement")
            if r > 0.6:
                topics += ["taobao_refund_RefundBuyerReturnGoods", "taobao_logistics_LogsticDetailTrace"]
            if r > 0.85:
                topics.append("taobao_refund_RefundSuccess")
        tracking = f"{rng.choice(world.CARRIERS['taobao'])}{rng.randrange(10 ** 11, 10 ** 12)}"
        out = []
        for topic, off in zip(topics, self._steps(now, len(topics))):
            t = now + timedelta(seconds=off)
            if topic.startswith("taobao_trade"):
                content = {"tid": int(wo.order_id), "seller_nick": "山野生活", "buyer_open_uid": wo.buyer_id,
                           "status": "WAIT_SELLER_SEND_GOODS", "payment": str(wo.total), "modified": _ts(t)}
            elif topic == "taobao_logistics_LogsticDetailTrace":
                content = {"tid": int(wo.order_id), "out_sid": tracking, "company_name": "中通快递", "action": "GOT",
                           "desc": "【杭州市】快件已揽收", "time": _ts(t)}
            else:
                content = {"refund_id": refund_id, "tid": int(wo.order_id), "oid": int(line.line_id), "bill_type": bill,
                           "refund_phase": "aftersale", "refund_fee": str(line.unit_price), "buyer_open_uid": wo.buyer_id,
                           "seller_nick": "山野生活", "modified": _ts(t)}
            out.append((off, topic, str(int(f"9{self.salt}{self._seq():07d}")), content))
        return out

    # Shopify: one topic per POST, the REST payload
    def _shopify(self, now):
        rng = self.rng
        from aftersales.connectors.clients import shopify_order

        wo = self._order("shopify", now)
        line = rng.choice(wo.lines)
        rid = int(f"{int(now.timestamp())}{self._seq() % 1000:03d}")
        steps = ["orders/create", "fulfillments/update", "returns/request"]
        r = rng.random()
        if r > 0.5:
            steps.append("returns/approve")
        if r > 0.7:
            steps.append("reverse_deliveries/attach_deliverable")
        if r > 0.9:
            steps.append("returns/close")
        reason = rng.choice(("SIZE_TOO_SMALL", "DEFECTIVE", "UNWANTED", "NOT_AS_DESCRIBED", "COLOR"))
        out = []
        for topic, off in zip(steps, self._steps(now, len(steps))):
            t = (now + timedelta(seconds=off)).isoformat()
            if topic == "orders/create":
                payload = shopify_order(wo, now)
            elif topic == "fulfillments/update":
                payload = {"id": int(wo.order_id) + 1, "order_id": int(wo.order_id), "status": "success",
                           "tracking_company": wo.carrier, "tracking_number": wo.tracking_number,
                           "shipment_status": "delivered", "updated_at": t}
            elif topic == "reverse_deliveries/attach_deliverable":
                payload = {"id": rid + 7, "return": {"id": rid, "admin_graphql_api_id": f"gid://shopify/Return/{rid}"},
                           "shipping_deliverable": {"tracking": {"carrier_name": "UPS",
                                                                 "tracking_number": f"1Z{rng.randrange(10 ** 15, 10 ** 16)}"}},
                           "updated_at": t}
            else:
                payload = {"id": rid, "admin_graphql_api_id": f"gid://shopify/Return/{rid}",
                           "status": {"returns/request": "requested", "returns/approve": "open",
                                      "returns/close": "closed"}[topic],
                           "order": {"id": int(wo.order_id), "admin_graphql_api_id": f"gid://shopify/Order/{wo.order_id}"},
                           "updated_at": t}
                if topic == "returns/request":
                    payload["return_line_items"] = [{
                        "id": rid * 10 + 1, "quantity": 1, "return_reason": reason,
                        "customer_note": rng.choice(("", "Runs small, need the next size up",
                                                     "Arrived with a scratch on the side")),
                        "fulfillment_line_item": {"id": rid * 10 + 2, "line_item": {"id": int(line.line_id)}}}]
            out.append((off, topic, f"shp-{self.salt}-{self._seq()}", payload))
        return out


# --- on the wire ---------------------------------------------------------------------------------

def wire(target: Target, sends: list[Send], bad_signature: bool = False) -> tuple[str, bytes, dict]:
    """(path with query, body, headers) of one POST carrying `sends` (Douyin batches; others one each)."""
    p, key, secret = target.platform, target.app_key, target.app_secret
    if bad_signature:
        secret = secret + "-wrong"
    if p == "douyin":
        body = json.dumps([{"tag": s.kind, "msg_id": s.event_id, "data": json.dumps(s.payload, ensure_ascii=False)}
                           for s in sends], ensure_ascii=False).encode()
        return "/webhooks/douyin/", body, {"event-sign": md5_hex(key.encode() + body + secret.encode()), "app-id": key}
    s = sends[0]
    if p == "tiktok_shop":
        body = json.dumps({"type": int(s.kind), "tts_notification_id": s.event_id, "shop_id": target.shop_key,
                           "timestamp": s.ts, "data": s.payload}).encode()
        return "/webhooks/tiktok_shop/", body, {"Authorization": hmac_sha256(secret, key.encode() + body).hex()}
    if p == "taobao":
        body = json.dumps({"id": int(s.event_id) if s.event_id.isdigit() else s.event_id, "topic": s.kind, "content": json.dumps(s.payload, ensure_ascii=False),
                           "pub_time": _ts(datetime.fromtimestamp(s.ts, timezone.utc)), "pub_app_key": key,
                           "user_id": target.shop_key, "user_nick": "山野生活"}, ensure_ascii=False).encode()
        query = {"app_key": key, "timestamp": _ts(datetime.now(timezone.utc)), "sign_method": "md5"}
        query["sign"] = Taobao.top_sign(query, body, secret)
        return f"/webhooks/taobao/?{urllib.parse.urlencode(query)}", body, {}
    body = json.dumps(s.payload).encode()
    return "/webhooks/shopify/", body, {
        "X-Shopify-Topic": s.kind, "X-Shopify-Shop-Domain": target.shop_key, "X-Shopify-Webhook-Id": s.event_id,
        "X-Shopify-Triggered-At": datetime.fromtimestamp(s.ts, timezone.utc).isoformat(),
        "X-Shopify-Hmac-Sha256": base64.b64encode(hmac_sha256(secret, body)).decode()}


# --- the run -------------------------------------------------------------------------------------

@dataclass
class Tally:
    sent: int = 0
    events: int = 0
    ok: int = 0
    rejected: int = 0
    errors: int = 0
    duplicates: int = 0
    reordered: int = 0
    bad_signatures: int = 0
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))]   # nearest rank


class Simulator:
    def __init__(self, url: str, targets: dict[str, Target], *, rate: float, seconds: float, seed: int = 1,
                 duplicate_rate: float = 0.05, reorder_rate: float = 0.05, bad_signature_rate: float = 0.0,
                 workers: int = 8, out=print, sender=None):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.targets, self.rate, self.seconds = targets, rate, seconds
        self.rng = random.Random(seed)
        self.stories = Stories(targets, self.rng, salt=self.rng.randrange(10 ** 5, 10 ** 6) * 1000)
        self.duplicate_rate, self.reorder_rate, self.bad_rate = duplicate_rate, reorder_rate, bad_signature_rate
        self.workers, self.out = workers, out
        self.tally = {p: Tally() for p in targets}
        self.lock = threading.Lock()
        self.local = threading.local()
        self.sender = sender or self._http_send
        self.queue: list[Send] = []
        self.n = 0

    def _http_send(self, path: str, body: bytes, headers: dict) -> int:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request("POST", path, body, {"Content-Type": "application/json", **headers})
            resp = conn.getresponse()
            resp.read()
            return resp.status
        except (OSError, http.client.HTTPException):
            conn.close()
            self.local.conn = None
            raise

    def plan(self, start: float) -> None:
        """All the stories of the run, as timed sends: stories start at random so events average `rate`/s."""
        platforms = list(self.targets)
        # the mean events of a story, from a sample drawn aside, so that stories start at the pace the
        # rate asks for; stories start before the run too, so that it is at full pace from its start
        probe = Stories(self.targets, random.Random(0), salt=0)
        sample = [len(probe.story(p, datetime.now(timezone.utc))) for p in platforms * 30]
        per_story = sum(sample) / len(sample)
        t = start - 45
        while t < start + self.seconds:
            t += self.rng.expovariate(self.rate / per_story)
            platform = self.rng.choice(platforms)
            now = datetime.fromtimestamp(t, timezone.utc)
            events = self.stories.story(platform, now)
            times = [t + off for off, *_ in events]
            if len(events) > 2 and self.rng.random() < self.reorder_rate * len(events):
                i = self.rng.randrange(1, len(events) - 1)       # swap two steps in flight (never the order)
                times[i], times[i + 1] = times[i + 1], times[i]
                self.tally[platform].reordered += 1
            for (off, kind, event_id, payload), at in zip(events, times):
                if at < start:
                    continue            # happened before the run: the server learns it from later events
                ts = int(t) + off
                self._push(Send(at, 0, platform, kind, event_id, payload, ts))
                if self.rng.random() < self.duplicate_rate:
                    self._push(Send(at + self.rng.uniform(0.2, 5), 0, platform, kind, event_id, payload, ts, "dup"))

    def _push(self, send: Send) -> None:
        self.n += 1
        send.seq = self.n
        heapq.heappush(self.queue, send)

    def run(self) -> dict[str, Tally]:
        start = time.time()
        self.plan(start)
        end = start + self.seconds
        with ThreadPoolExecutor(max_workers=max(1, self.workers)) as pool:
            submit = pool.submit if self.workers else (lambda fn, *a: fn(*a))   # 0 workers: in this thread
            while self.queue and self.queue[0].at < end:
                s = heapq.heappop(self.queue)
                wait = s.at - time.time()
                if wait > 0:
                    time.sleep(wait)
                batch = [s]
                if s.platform == "douyin" and s.note != "dup":   # Douyin pushes several messages at once
                    while self.queue and self.queue[0].platform == "douyin" and self.queue[0].at <= time.time() \
                            and self.queue[0].note != "dup" and len(batch) < 3:
                        batch.append(heapq.heappop(self.queue))
                submit(self._deliver, batch)
        self.elapsed = time.time() - start
        return self.tally

    def _deliver(self, batch: list[Send]) -> None:
        platform = batch[0].platform
        bad = self.bad_rate and self.rng.random() < self.bad_rate
        path, body, headers = wire(self.targets[platform], batch, bad_signature=bool(bad))
        began = time.perf_counter()
        try:
            status = self.sender(path, body, headers)
        except Exception:   # the server went away: counted, the run goes on
            status = 0
        took = (time.perf_counter() - began) * 1000
        with self.lock:
            t = self.tally[platform]
            t.sent += 1
            t.events += len(batch)
            t.duplicates += sum(1 for s in batch if s.note == "dup")
            t.bad_signatures += 1 if bad else 0
            t.statuses[status] = t.statuses.get(status, 0) + 1
            if status == 200:
                t.ok += 1
                t.latencies.append(took)
            elif status == 0:
                t.errors += 1
            else:
                t.rejected += 1

    def report(self) -> list[str]:
        rows = [f"{'platform':<12} {'requests':>8} {'events':>7} {'ok':>6} {'4xx/5xx':>7} {'errors':>6} "
                f"{'dups':>5} {'reord':>5} {'ev/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"]
        every = Tally()
        for p, t in self.tally.items():
            rows.append(self._row(p, t))
            for name in ("sent", "events", "ok", "rejected", "errors", "duplicates", "reordered"):
                setattr(every, name, getattr(every, name) + getattr(t, name))
            every.latencies += t.latencies
        if len(self.tally) > 1:
            rows.append(self._row("all", every))
        return rows

    def _row(self, name: str, t: Tally) -> str:
        rate = t.events / self.elapsed if getattr(self, "elapsed", 0) else 0
        return (f"{name:<12} {t.sent:>8} {t.events:>7} {t.ok:>6} {t.rejected:>7} {t.errors:>6} {t.duplicates:>5} "
                f"{t.reordered:>5} {rate:>7.1f} {percentile(t.latencies, 50):>7.1f} {percentile(t.latencies, 99):>7.1f} "
                f"{max(t.latencies, default=0):>7.1f}")
