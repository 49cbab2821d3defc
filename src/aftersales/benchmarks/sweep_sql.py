"""The deadline sweep as set-based SQL: the baseline for cases.sweep.sweep(now).

The same row changes as the sweep makes on the bench data, one statement per kind of change:
deadlines warned, expired and closed; the warning, breach, lapse and transition events; the outbox
rows; the refund rows an automatic approval opens; the next step's deadline records; the cases'
state, nearest deadline, time band and priority.  The words of each event are put together in SQL
from the same label tables, so the rows weigh what the sweep's rows weigh.

It runs inside one transaction that is rolled back, on the state the measured sweep then starts
from.  What it leaves out, because the bench data has none of it: timeouts whose transition is
illegal (the sweep cancels those), timeouts that close a case (ledger release, follow-ups),
follow-ups falling due, shops with their own channel weights.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import connection, transaction

from aftersales.benchmarks import dialect as sql
from aftersales.cases import timers
from aftersales.cases.explain import DEADLINE_LABELS, OUTCOME_LABELS, transition_text
from aftersales.cases.models import Case, Deadline, Refund, TimelineEvent
from aftersales.catalog.models import Shop
from aftersales.domain import lifecycle as lc
from aftersales.domain import priority as prio
from aftersales.domain.platforms import PROFILES
from aftersales.notify.models import OutboxMessage
from aftersales.orders.models import Buyer

D, C, E, O = sql.table(Deadline), sql.table(Case), sql.table(TimelineEvent), sql.table(OutboxMessage)


def run(now: datetime) -> tuple[float, dict]:
    """Apply the sweep's changes as of `now`, time them, roll them back.  (seconds, counts)."""
    with transaction.atomic():
        started = time.perf_counter()
        counts = _sweep(now)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, counts


def _labels() -> None:
    for name, labels in (("bench_dl_label", DEADLINE_LABELS), ("bench_out_label", OUTCOME_LABELS)):
        sql.execute(f"CREATE TEMP TABLE {name} (kind TEXT PRIMARY KEY, zh TEXT, en TEXT)")
        _insert(name, ("kind", "zh", "en"), [(str(k), zh, en) for k, (zh, en) in labels.items()])
    sql.execute("CREATE TEMP TABLE bench_platform (platform TEXT PRIMARY KEY, zh TEXT, en TEXT)")
    _insert("bench_platform", ("platform", "zh", "en"), [(c, p.name_zh, p.name_en) for c, p in PROFILES.items()])


def _insert(name: str, cols, rows) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})", rows)


def _txt(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sweep(now: datetime) -> dict:
    _labels()
    counts = {"warned": _warn(now)}
    counts.update(_expire(now))
    counts["rescored"] = _rescore_bands(now)
    for name in ("bench_dl_label", "bench_out_label", "bench_platform", "bw", "be", "ba", "bench_move",
                 "bench_step"):
        sql.execute(f"DROP TABLE IF EXISTS {name}")
    return counts


# ---------------------------------------------------------------------------------------------
# Warnings

def _warn(now: datetime) -> int:
    horizon = "CASE s.platform " + " ".join(
        f"WHEN {_txt(code)} THEN {sql.at(now + p.warn_before)}" for code, p in PROFILES.items()) + " END"
    sql.execute(f"""CREATE TEMP TABLE bw AS
        SELECT d.id, d.case_id, d.kind, d.due_at, d.on_timeout, c.organisation_id
        FROM {D} d JOIN {C} c ON c.id = d.case_id JOIN {sql.table(Shop)} s ON s.id = c.shop_id
        WHERE d.status = 'open' AND d.party = 'seller' AND d.warned_at IS NULL AND d.due_at > {sql.at(now)}
          AND d.due_at <= {horizon}
          AND NOT (d.on_timeout = 'breach_only' AND EXISTS (
              SELECT 1 FROM {D} d2 WHERE d2.case_id = d.case_id AND d2.status = 'open' AND d2.party = 'seller'
                AND d2.on_timeout <> 'breach_only' AND d2.due_at <= d.due_at))""")
    sql.execute(f"UPDATE {D} SET warned_at = {sql.at(now)} WHERE id IN (SELECT id FROM bw)")
    hours, minute = sql.whole_hours("bw.due_at", now), sql.minute_text("bw.due_at")
    payload = sql.json_object(case=("n", "bw.case_id"), deadline=("n", "bw.id"), due_at=("s", sql.iso_text("bw.due_at")))
    warned = sql.execute(f"""INSERT INTO {E} (case_id, kind, actor, actor_user_id, action, state_before, state_after,
            message_zh, message_en, data, visible_to_buyer, created_at)
        SELECT bw.case_id, 'deadline.warning', 'system', NULL, '', '', '',
            '提醒：' || COALESCE(k.zh, bw.kind) || '将在约 ' || {hours} || ' 小时后到期（' || {minute}
                || ' UTC），超时将' || COALESCE(o.zh, bw.on_timeout) || '。',
            'Reminder: ' || COALESCE(k.en, bw.kind) || ' is due in about ' || {hours} || ' h (' || {minute}
                || ' UTC); on timeout: ' || COALESCE(o.en, bw.on_timeout) || '.',
            {sql.json_object(deadline=("n", "bw.id"))}, FALSE, {sql.at(now)}
        FROM bw LEFT JOIN bench_dl_label k ON k.kind = bw.kind LEFT JOIN bench_out_label o ON o.kind = bw.on_timeout""")
    sql.execute(f"""INSERT INTO {O} (organisation_id, case_id, topic, channel, recipient, payload, status, attempts,
            next_attempt_at, last_error, created_at, sent_at)
        SELECT bw.organisation_id, bw.case_id, 'team.deadline_warning', 'team', '',
            {payload},
            'pending', 0, {sql.at(now)}, '', {sql.at(now)}, NULL
        FROM bw""")
    return warned


# ---------------------------------------------------------------------------------------------
# Deadlines that ran out

def _expire(now: datetime) -> dict:
    own = ", ".join(_txt(c) for c, p in PROFILES.items() if p.executes_timeouts) or "''"
    actions = ", ".join(_txt(str(o)) for o in timers.TIMEOUT_ACTIONS)
    sql.execute(f"""CREATE TEMP TABLE be AS
        SELECT d.id, d.case_id, d.kind, d.step, d.due_at, d.on_timeout, d.note, c.organisation_id, c.state,
               c.route, c.case_type, c.platform_case_id, c.buyer_id, c.shop_id, s.platform,
               CASE WHEN d.on_timeout <> 'breach_only' AND s.platform IN ({own}) AND d.on_timeout IN ({actions})
                    THEN 1 ELSE 0 END AS acting
        FROM {D} d JOIN {C} c ON c.id = d.case_id JOIN {sql.table(Shop)} s ON s.id = c.shop_id
        WHERE d.status = 'open' AND d.due_at <= {sql.at(now)}""")
    sql.execute(f"UPDATE {D} SET status = 'expired', closed_at = {sql.at(now)} WHERE id IN (SELECT id FROM be)")
    event = f"""INSERT INTO {E} (case_id, kind, actor, actor_user_id, action, state_before, state_after, message_zh,
            message_en, data, visible_to_buyer, created_at)"""
    labels = ("FROM be LEFT JOIN bench_dl_label k ON k.kind = be.kind "
              "LEFT JOIN bench_out_label o ON o.kind = be.on_timeout")
    breached = sql.execute(f"""{event}
        SELECT be.case_id, 'deadline.breached', 'system', NULL, '', '', '',
            '未能在承诺时间内完成' || COALESCE(k.zh, be.kind) || '（' || be.note || '）。',
            'Missed the ' || COALESCE(k.en, be.kind) || ' promise (' || be.note || ').',
            {sql.json_object(deadline=("n", "be.id"))}, FALSE, {sql.at(now)}
        {labels} WHERE be.acting = 0 AND be.on_timeout = 'breach_only'""")
    lapsed = sql.execute(f"""{event}
        SELECT be.case_id, 'deadline.lapsed', 'system', NULL, '', '', '',
            COALESCE(k.zh, be.kind) || '已超时：' || p.zh || '将' || COALESCE(o.zh, be.on_timeout) || '，等待平台同步结果。',
            'The ' || COALESCE(k.en, be.kind) || ' deadline passed: ' || p.en || ' will '
                || COALESCE(o.en, be.on_timeout) || '; waiting for the platform to confirm.',
            {sql.json_object(deadline=("n", "be.id"), timeout=("s", "be.on_timeout"))}, FALSE,
            {sql.at(now)}
        {labels} JOIN bench_platform p ON p.platform = be.platform
        WHERE be.acting = 0 AND be.on_timeout <> 'breach_only'""")
    sql.execute(f"""INSERT INTO {O} (organisation_id, case_id, topic, channel, recipient, payload, status, attempts,
            next_attempt_at, last_error, created_at, sent_at)
        SELECT be.organisation_id, be.case_id, 'platform.reconcile', 'platform', '',
            {sql.json_object(case=("n", "be.case_id"), platform_case_id=("s", "be.platform_case_id"))},
            'pending', 0, {sql.at(now)}, '', {sql.at(now)}, NULL
        FROM be WHERE be.acting = 0 AND be.on_timeout <> 'breach_only'""")
    applied = _transitions(now)
    _rescore_touched(now)
    return {"breached": breached, "lapsed": lapsed, "applied": applied}


def _moves() -> list[tuple]:
    """Every (state, route, timeout) the sweep can act on, with the move's target and words."""
    out = []
    for state in lc.CaseState:
        for route in lc.Route:
            for outcome, action in timers.TIMEOUT_ACTIONS.items():
                try:
                    move = lc.transition(state, action, lc.Actor.SYSTEM, route)
                except lc.IllegalTransition:
                    continue
                zh, en = transition_text(move)
                out.append((str(state), str(route), str(outcome), str(move.target), str(action),
                            move.target.is_terminal, str(move.close_reason), zh, en))
    return out


def _transitions(now: datetime) -> int:
    """Own stores: the timeout's transition, as the system, for every case at once."""
    sql.execute("CREATE TEMP TABLE bench_move (state TEXT, route TEXT, on_timeout TEXT, target TEXT, action TEXT, "
                "terminal BOOLEAN, close_reason TEXT, zh TEXT, en TEXT)")
    _insert("bench_move", ("state", "route", "on_timeout", "target", "action", "terminal", "close_reason", "zh",
                           "en"), _moves())
    sql.execute("""CREATE TEMP TABLE ba AS
        SELECT be.id AS deadline_id, be.case_id, be.state AS source, m.target, m.action, m.terminal, m.close_reason,
               m.zh, m.en, be.shop_id, be.case_type, be.organisation_id, be.buyer_id, be.kind, be.due_at,
               be.on_timeout
        FROM be JOIN bench_move m ON m.state = be.state AND m.route = be.route AND m.on_timeout = be.on_timeout
        WHERE be.acting = 1 AND be.step = be.state""")
    applied = sql.scalar("SELECT COUNT(*) FROM ba")
    if not applied:
        return 0
    t = sql.at(now)
    sql.execute(f"""UPDATE {C} SET state = ba.target, is_open = NOT ba.terminal, updated_at = {t},
            version = {C}.version + 1,
            approved_amount = CASE WHEN ba.target = 'refund_in_progress'
                                   THEN COALESCE({C}.approved_amount, {C}.requested_amount)
                                   ELSE {C}.approved_amount END,
            refund_state = CASE WHEN ba.target = 'refund_in_progress' THEN 'approved' ELSE {C}.refund_state END,
            return_state = CASE WHEN ba.target = 'awaiting_buyer_return' THEN 'awaiting_shipment'
                                WHEN ba.action = 'confirm_receipt' THEN 'inspected' ELSE {C}.return_state END,
            close_reason = CASE WHEN ba.close_reason <> '' THEN ba.close_reason ELSE {C}.close_reason END,
            closed_at = CASE WHEN ba.terminal THEN {t} ELSE {C}.closed_at END
        FROM ba WHERE {C}.id = ba.case_id""")
    sql.execute(f"""UPDATE {D} SET status = 'met', closed_at = {t}
        FROM ba WHERE {D}.case_id = ba.case_id AND {D}.step = ba.source AND {D}.status = 'open'""")
    minute = sql.minute_text("ba.due_at")
    sql.execute(f"""INSERT INTO {E} (case_id, kind, actor, actor_user_id, action, state_before, state_after,
            message_zh, message_en, data, visible_to_buyer, created_at)
        SELECT ba.case_id, 'transition', 'system', NULL, ba.action, ba.source, ba.target,
            ba.zh || ' 原因：' || COALESCE(k.zh, ba.kind) || '已超时（截止 ' || {minute} || ' UTC），按店铺规则'
                || COALESCE(o.zh, ba.on_timeout) || '。',
            ba.en || ' Why: the ' || COALESCE(k.en, ba.kind) || ' deadline passed (' || {minute}
                || ' UTC); the shop''s rule is to ' || COALESCE(o.en, ba.on_timeout) || '.',
            {sql.json_object(deadline=("n", "ba.deadline_id"), timeout=("s", "ba.on_timeout"))},
            TRUE, {t}
        FROM ba LEFT JOIN bench_dl_label k ON k.kind = ba.kind LEFT JOIN bench_out_label o ON o.kind = ba.on_timeout""")
    sql.execute(f"""INSERT INTO {sql.table(Refund)} (case_id, amount, currency, status, method, approved_by_id,
            approved_at, paid_by_id, paid_at, succeeded_at, expected_from, expected_to, external_id)
        SELECT c.id, c.approved_amount, c.currency, 'approved', 'original', NULL, {t}, NULL, NULL, NULL, {t},
            {sql.plus_seconds(now, 'COALESCE(NULLIF(s.refund_within_days, 0), 3) * 86400')}, ''
        FROM ba JOIN {C} c ON c.id = ba.case_id JOIN {sql.table(Shop)} s ON s.id = c.shop_id
        WHERE ba.target = 'refund_in_progress'""")
    _open_next_steps(now)
    sql.execute(f"""INSERT INTO {O} (organisation_id, case_id, topic, channel, recipient, payload, status, attempts,
            next_attempt_at, last_error, created_at, sent_at)
        SELECT ba.organisation_id, ba.case_id, 'buyer.case_updated',
            CASE WHEN b.email <> '' THEN 'email' WHEN b.phone <> '' THEN 'sms' ELSE 'platform' END,
            CASE WHEN b.email <> '' THEN b.email WHEN b.phone <> '' THEN b.phone ELSE b.external_id END,
            {sql.json_object(case=("n", "ba.case_id"), state=("s", "ba.target"), action=("s", "ba.action"))},
            'pending', 0, {t}, '', {t}, NULL
        FROM ba JOIN {sql.table(Buyer)} b ON b.id = ba.buyer_id""")
    return applied


def _open_next_steps(now: datetime) -> None:
    """The deadline records of the step each case moved into: worked out once per shop, step and
    type with the rules (timers.step_deadlines), then inserted for all the cases at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT shop_id, target, case_type FROM ba WHERE NOT terminal")
        combos = cursor.fetchall()
    shops = {s.pk: s for s in Shop.objects.filter(pk__in={c[0] for c in combos})}
    rows = []
    for shop_id, target, case_type in combos:
        for d in timers.step_deadlines(shops[shop_id], case_type, target, now):
            rows.append((shop_id, target, case_type, str(d.kind), str(d.party), d.step,
                         int((d.due_at - now).total_seconds()), str(d.source), str(d.clock), str(d.on_timeout), d.note))
    sql.execute("CREATE TEMP TABLE bench_step (shop_id BIGINT, state TEXT, case_type TEXT, kind TEXT, party TEXT, "
                "step TEXT, due_off INTEGER, source TEXT, clock TEXT, on_timeout TEXT, note TEXT)")
    _insert("bench_step", ("shop_id", "state", "case_type", "kind", "party", "step", "due_off", "source", "clock",
                           "on_timeout", "note"), rows)
    sql.execute(f"""INSERT INTO {D} (case_id, kind, party, step, due_at, source, clock, on_timeout, status, note,
            warned_at, closed_at, extended_count, created_at)
        SELECT ba.case_id, st.kind, st.party, st.step, {sql.plus_seconds(now, 'st.due_off')}, st.source, st.clock,
            st.on_timeout, 'open', st.note, NULL, NULL, 0, {sql.at(now)}
        FROM ba JOIN bench_step st ON st.shop_id = ba.shop_id AND st.state = ba.target AND st.case_type = ba.case_type""")


# ---------------------------------------------------------------------------------------------
# Priority, in SQL

def _band(now: datetime, col: str) -> str:
    bounds = " ".join(f"WHEN {col} < {sql.at(now + bound)} THEN {band}" for bound, band in (
        (timedelta(hours=4), 3), (timedelta(hours=24), 2), (timedelta(hours=72), 1)))
    return f"(CASE WHEN {col} IS NULL THEN 0 WHEN {col} <= {sql.at(now)} THEN 4 {bounds} ELSE 0 END)"


def _priority(band: str) -> str:
    channel = "CASE channel " + " ".join(f"WHEN {_txt(c)} THEN {p}" for c, p in prio.DEFAULT_CHANNEL_WEIGHTS.items()) \
        + " ELSE 0 END"
    points = f"CASE {band} " + " ".join(f"WHEN {b} THEN {p}" for b, p in prio.TIME_POINTS.items()) + " ELSE 0 END"
    return (f"(CASE WHEN is_open THEN (CASE WHEN urgent THEN {prio.URGENT_POINTS} ELSE 0 END) "
            f"+ (CASE WHEN vip THEN {prio.VIP_POINTS} ELSE 0 END) + ({channel}) + ({points}) ELSE 0 END)")


def _priority_band(priority: str) -> str:
    floors = " ".join(f"WHEN {priority} >= {floor} THEN {_txt(str(band))}" for floor, band in prio.BAND_FLOORS)
    return f"(CASE {floors} ELSE {_txt(str(prio.Band.LOW))} END)"


def _set_scores(now: datetime) -> str:
    band = _band(now, "next_due_at")
    priority = _priority(band)
    return f"time_band = {band}, priority = {priority}, priority_band = {_priority_band(priority)}"


def _rescore_touched(now: datetime) -> None:
    """scoring.rescore_many for the cases whose deadlines ran out: nearest open seller deadline,
    then the scores."""
    sql.execute(f"""UPDATE {C} SET next_due_at = (
            SELECT MIN(d.due_at) FROM {D} d WHERE d.case_id = {C}.id AND d.status = 'open' AND d.party = 'seller')
        WHERE id IN (SELECT case_id FROM be) AND is_open""")
    sql.execute(f"UPDATE {C} SET {_set_scores(now)} WHERE id IN (SELECT case_id FROM be)")


def _rescore_bands(now: datetime) -> int:
    band = _band(now, "next_due_at")
    return sql.execute(f"""UPDATE {C} SET {_set_scores(now)}
        WHERE is_open AND next_due_at IS NOT NULL AND next_due_at <= {sql.at(now + timedelta(hours=72))}
          AND time_band <> {band}""")
