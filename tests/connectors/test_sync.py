"""The scheduled pull: a stored cursor, pages, back-off on 429, resuming after a crash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales import clock
from aftersales.cases.models import Case
from aftersales.connectors import sync
from aftersales.connectors.base import PlatformError, RateLimited
from aftersales.connectors.clients import RecordingClient, order_response, use_client
from aftersales.connectors.models import Connection, InboundEvent
from aftersales.connectors import world
from tests.connectors import payloads as P
from tests.connectors.conftest import T0


def tiktok_item(n: int) -> dict:
    order_id = world.order_id_for("tiktok_shop", T0 - timedelta(days=4), 500 + n)
    return {**P.TIKTOK_SEARCH_ITEM, "return_id": f"40351234567{n:05d}", "order_id": order_id,
            "return_line_items": [], "update_time": int(T0.timestamp()) - 600 + n}


class ScriptedPlatform:
    """Answers pulls from a script of pages (or exceptions) and orders from the world."""

    def __init__(self, platform, script):
        self.platform, self.script, self.pulls = platform, list(script), []

    def call(self, request, purpose="read", **kw):
        if purpose == "order":
            return order_response(self.platform, world.order(self.platform, request.params.get("ids")))
        self.pulls.append(request)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


def page(items, token=""):
    return {"code": 0, "data": {"return_orders": items, "next_page_token": token}}


@pytest.fixture
def tiktok(platforms):
    conn = platforms.conns["tiktok_shop"]
    Connection.objects.filter(pk=conn.pk).update(next_pull_at=T0)
    conn.refresh_from_db()
    return conn


def test_a_pull_walks_the_pages_and_stores_its_cursor(platforms, tiktok, frozen):
    fake = ScriptedPlatform("tiktok_shop", [page([tiktok_item(1), tiktok_item(2)], "p2"), page([tiktok_item(3)])])
    with use_client(fake):
        report = sync.pull(tiktok)
    assert (report.outcome, report.pages, report.new) == ("done", 2, 3)
    assert Case.objects.filter(shop=tiktok.shop).count() == 3
    tiktok.refresh_from_db()
    assert tiktok.cursor_until == T0 - sync.LAG and tiktok.cursor_page == "" and tiktok.cursor_window_end is None
    assert tiktok.next_pull_at == T0 + timedelta(seconds=tiktok.pull_interval)
    assert fake.pulls[1].params["query"]["page_token"] == "p2"
    deadline = Case.objects.get(platform_case_id="4035123456700001").deadlines.get(status="open", source="platform")
    assert deadline.due_at.timestamp() == 1796172000          # TikTok's seller_next_action_response deadline


def test_429_backs_off_keeps_the_window_and_the_next_run_resumes(platforms, tiktok, frozen):
    fake = ScriptedPlatform("tiktok_shop", [page([tiktok_item(1)], "p2"), RateLimited(retry_after=0)])
    with use_client(fake):
        report = sync.pull(tiktok)
    assert report.outcome == "rate_limited" and report.wait_seconds == sync.MIN_BACKOFF
    tiktok.refresh_from_db()
    assert tiktok.cursor_page == "p2" and tiktok.cursor_window_end is not None and tiktok.cursor_until is None
    assert tiktok.next_pull_at == T0 + timedelta(seconds=sync.MIN_BACKOFF)
    assert sync.due_connections(T0 + timedelta(seconds=5)) == []            # waits out the back-off
    again = ScriptedPlatform("tiktok_shop", [RateLimited(retry_after=0)])
    with use_client(again):
        sync.pull(tiktok, T0 + timedelta(seconds=31))
    tiktok.refresh_from_db()
    assert tiktok.backoff_seconds == 2 * sync.MIN_BACKOFF                  # doubles
    later = T0 + timedelta(seconds=200)
    fake = ScriptedPlatform("tiktok_shop", [page([tiktok_item(2), tiktok_item(1)])])
    with use_client(fake):
        report = sync.pull(tiktok, later)
    assert report.outcome == "done" and fake.pulls[0].params["query"]["page_token"] == "p2"
    assert Case.objects.filter(shop=tiktok.shop).count() == 2 and report.new == 1   # item 1 was in already
    tiktok.refresh_from_db()
    assert tiktok.backoff_seconds == 0


def test_retry_after_is_followed(platforms, tiktok, frozen):
    with use_client(ScriptedPlatform("tiktok_shop", [RateLimited(retry_after=120)])):
        assert sync.pull(tiktok).wait_seconds == 120


def test_a_crash_mid_run_resumes_at_the_saved_page_once_the_lease_runs_out(platforms, tiktok, frozen):
    class Crash(Exception):
        pass

    fake = ScriptedPlatform("tiktok_shop", [page([tiktok_item(1)], "p2"), Crash("worker killed")])
    with use_client(fake), pytest.raises(Crash):
        sync.pull(tiktok)
    tiktok.refresh_from_db()
    assert tiktok.cursor_page == "p2" and tiktok.pulling_until is not None
    assert sync.pull(tiktok, T0 + timedelta(minutes=1)).outcome == "busy"      # the lease still holds
    fake = ScriptedPlatform("tiktok_shop", [page([tiktok_item(2)])])
    with use_client(fake):
        report = sync.pull(tiktok, T0 + sync.LEASE + timedelta(seconds=1))
    assert report.outcome == "done" and fake.pulls[0].params["query"]["page_token"] == "p2"
    assert InboundEvent.objects.filter(source="pull").count() == 2


def test_a_platform_error_backs_off_with_the_message(platforms, tiktok, frozen):
    with use_client(ScriptedPlatform("tiktok_shop", [PlatformError("TikTok Shop 105001: token expired")])):
        assert sync.pull(tiktok).outcome == "error"
    tiktok.refresh_from_db()
    assert "token expired" in tiktok.last_pull_error


@pytest.mark.parametrize("platform", ["douyin", "tiktok_shop", "taobao", "shopify"])
def test_the_recording_fake_answers_a_pull_with_an_empty_page(platforms, frozen, platform):
    conn = platforms.conns[platform]
    Connection.objects.filter(pk=conn.pk).update(next_pull_at=clock.now())
    conn.refresh_from_db()
    assert isinstance(RecordingClient(conn), RecordingClient)
    report = sync.pull(conn)
    assert (report.outcome, report.events) == ("done", 0)
