"""Deadline arithmetic: natural hours and business days over the CN and US calendars."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aftersales.domain.deadlines import add_business_days, add_natural

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NY)


# --- natural clock ------------------------------------------------------------------------

def test_natural_adds_elapsed_hours_and_returns_utc():
    due = add_natural(sh(2026, 10, 1, 9, 30), timedelta(hours=48))
    assert due.at == sh(2026, 10, 3, 9, 30)
    assert due.at.tzinfo is UTC
    assert due.note == ""


def test_natural_counts_elapsed_time_across_a_daylight_saving_change():
    # New York springs forward on 2026-03-08: 48 elapsed hours read 13:00 on the wall clock
    due = add_natural(ny(2026, 3, 7, 12, 0), timedelta(hours=48))
    assert due.at == ny(2026, 3, 9, 13, 0)
    assert due.at - ny(2026, 3, 7, 12, 0) == timedelta(hours=48)


@pytest.mark.parametrize("func, args", [
    pytest.param(add_natural, (timedelta(hours=1),), id="natural"),
    pytest.param(add_business_days, (1, "CN", "Asia/Shanghai"), id="business-days"),
])
def test_naive_start_is_refused(func, args):
    with pytest.raises(ValueError, match="aware"):
        func(datetime(2026, 10, 1, 9, 0), *args)


# --- CN business days -------------------------------------------------------------------

@pytest.mark.parametrize("start, days, expected", [
    pytest.param(sh(2026, 9, 29, 10, 0), 1, sh(2026, 9, 30, 10, 0), id="ordinary-weekday"),
    pytest.param(sh(2026, 9, 30, 10, 0), 1, sh(2026, 10, 8, 10, 0),
                 id="national-day-oct-1-7-skipped"),
    pytest.param(sh(2026, 9, 30, 10, 0), 3, sh(2026, 10, 10, 10, 0),
                 id="national-day-make-up-saturday-oct-10-counts"),
    pytest.param(sh(2026, 9, 30, 10, 0), 4, sh(2026, 10, 12, 10, 0),
                 id="national-day-sunday-after-make-up-skipped"),
    pytest.param(sh(2026, 10, 10, 15, 0), 1, sh(2026, 10, 12, 15, 0),
                 id="start-on-make-up-saturday-counts-from-then"),
    pytest.param(sh(2026, 2, 13, 18, 0), 1, sh(2026, 2, 14, 18, 0),
                 id="spring-festival-make-up-saturday-feb-14"),
    pytest.param(sh(2026, 2, 13, 18, 0), 2, sh(2026, 2, 24, 18, 0),
                 id="spring-festival-feb-15-23-skipped"),
    pytest.param(sh(2026, 2, 14, 9, 0), 1, sh(2026, 2, 24, 9, 0),
                 id="start-on-make-up-saturday-feb-14"),
    pytest.param(sh(2026, 2, 27, 9, 0), 1, sh(2026, 2, 28, 9, 0),
                 id="spring-festival-make-up-saturday-feb-28"),
    pytest.param(sh(2026, 2, 27, 9, 0), 2, sh(2026, 3, 2, 9, 0),
                 id="after-feb-28-make-up-sunday-skipped"),
    pytest.param(sh(2026, 9, 29, 10, 0), 0, sh(2026, 9, 29, 10, 0), id="zero-days-on-working-day"),
])
def test_cn_business_days_follow_holidays_and_make_up_workdays(start, days, expected):
    due = add_business_days(start, days, "CN", "Asia/Shanghai")
    assert due.at == expected
    assert due.at.tzinfo is UTC
    assert due.note == ""


@pytest.mark.parametrize("start, days, expected", [
    pytest.param(sh(2026, 10, 3, 15, 0), 1, sh(2026, 10, 9, 0, 0),
                 id="holiday-start-ends-at-end-of-oct-8"),
    pytest.param(sh(2026, 10, 3, 15, 0), 2, sh(2026, 10, 10, 0, 0),
                 id="holiday-start-two-days-ends-at-end-of-oct-9"),
    pytest.param(sh(2026, 9, 26, 11, 0), 1, sh(2026, 9, 29, 0, 0),
                 id="saturday-start-ends-at-end-of-monday"),
    pytest.param(sh(2026, 10, 3, 15, 0), 0, sh(2026, 10, 8, 0, 0),
                 id="holiday-start-zero-days-is-clock-start"),
])
def test_start_on_non_working_day_starts_the_clock_at_the_next_working_day(start, days, expected):
    due = add_business_days(start, days, "CN", "Asia/Shanghai")
    assert due.at == expected
    assert "non-working day" in due.note


@pytest.mark.parametrize("tz, expected", [
    # 2026-10-09 17:30 UTC is Saturday 01:30 in Shanghai, the make-up workday Oct 10
    pytest.param("Asia/Shanghai", datetime(2026, 10, 11, 17, 30, tzinfo=UTC),
                 id="shanghai-counts-from-make-up-saturday-to-monday"),
    # in UTC it is still Friday evening, so the next working day is the make-up Saturday
    pytest.param("UTC", datetime(2026, 10, 10, 17, 30, tzinfo=UTC),
                 id="utc-counts-from-friday-to-make-up-saturday"),
])
def test_days_are_counted_in_the_shops_time_zone(tz, expected):
    start = datetime(2026, 10, 9, 17, 30, tzinfo=UTC)
    assert add_business_days(start, 1, "CN", tz).at == expected


def test_start_in_another_zone_is_converted_before_counting():
    # 23:30 Friday in New York is 11:30 Saturday (make-up workday) in Shanghai
    due = add_business_days(ny(2026, 10, 9, 23, 30), 1, "CN", "Asia/Shanghai")
    assert due.at == sh(2026, 10, 12, 11, 30)


@pytest.mark.parametrize("start, days, extra, expected", [
    pytest.param(sh(2026, 12, 31, 10, 0), 1, frozenset(), sh(2027, 1, 1, 10, 0),
                 id="past-2026-weekdays-only"),
    pytest.param(sh(2026, 12, 31, 10, 0), 1, frozenset({date(2027, 1, 1)}), sh(2027, 1, 4, 10, 0),
                 id="past-2026-extra-holiday-skipped"),
    pytest.param(sh(2027, 5, 7, 10, 0), 1, frozenset(), sh(2027, 5, 10, 10, 0),
                 id="past-2026-weekend-skipped"),
])
def test_cn_past_the_tables_falls_back_to_weekends_and_says_so(start, days, extra, expected):
    due = add_business_days(start, days, "CN", "Asia/Shanghai", extra_holidays=extra)
    assert due.at == expected
    assert "2027" in due.note and "no CN holiday table" in due.note


def test_extra_holidays_apply_inside_the_tables_too():
    due = add_business_days(sh(2026, 9, 29, 10, 0), 1, "CN", "Asia/Shanghai",
                            extra_holidays=frozenset({date(2026, 9, 30)}))
    assert due.at == sh(2026, 10, 8, 10, 0)
    assert due.note == ""


# --- other calendars ----------------------------------------------------------------------

@pytest.mark.parametrize("start, days, expected", [
    pytest.param(ny(2026, 11, 25, 9, 0), 1, ny(2026, 11, 27, 9, 0), id="us-thanksgiving-skipped"),
    pytest.param(ny(2026, 11, 25, 9, 0), 2, ny(2026, 11, 30, 9, 0), id="us-thanksgiving-then-weekend"),
    pytest.param(ny(2026, 11, 26, 9, 0), 1, ny(2026, 11, 28, 0, 0), id="us-start-on-thanksgiving"),
    pytest.param(ny(2026, 3, 6, 10, 0), 1, ny(2026, 3, 9, 10, 0),
                 id="us-time-of-day-kept-across-daylight-saving"),
    # Oct 10 is a CN make-up Saturday, not a US one; Monday Oct 12 is Columbus Day
    pytest.param(ny(2026, 10, 9, 10, 0), 1, ny(2026, 10, 13, 10, 0),
                 id="us-no-cn-make-up-saturday-and-columbus-day-skipped"),
])
def test_us_calendar_uses_public_holidays_and_weekends(start, days, expected):
    assert add_business_days(start, days, "US", "America/New_York").at == expected


def test_extra_holidays_are_chinese_and_ignored_by_other_calendars():
    start = ny(2026, 11, 24, 9, 0)
    due = add_business_days(start, 1, "US", "America/New_York",
                            extra_holidays=frozenset({date(2026, 11, 25)}))
    assert due.at == ny(2026, 11, 25, 9, 0)


def test_calendar_code_is_case_insensitive():
    start = ny(2026, 11, 25, 9, 0)
    assert add_business_days(start, 1, "us", "America/New_York") == add_business_days(
        start, 1, "US", "America/New_York")


@pytest.mark.parametrize("days, calendar, tz, match", [
    pytest.param(-1, "CN", "Asia/Shanghai", "negative", id="negative-days"),
    pytest.param(1, "XX", "Asia/Shanghai", "unknown business-day calendar", id="unknown-calendar"),
])
def test_bad_arguments_are_refused(days, calendar, tz, match):
    with pytest.raises(ValueError, match=match):
        add_business_days(sh(2026, 9, 29, 10, 0), days, calendar, tz)


def test_a_calendar_without_working_days_is_refused():
    year = frozenset(date(2026, 1, 1) + timedelta(days=i) for i in range(365))
    with pytest.raises(ValueError, match="no working day"):
        add_business_days(sh(2025, 12, 31, 10, 0), 1, "CN", "Asia/Shanghai", extra_holidays=year)
