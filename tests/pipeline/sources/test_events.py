"""Event → hearing: New York times across DST, stable slugs, skipped and waiting events."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from pipeline.artifacts import SLUG_PATTERN
from pipeline.sources.events import (
    hearing_slug,
    parse_event_time,
    plan_hearing,
    scheduled_at,
)
from pipeline.sources.legistar_records import LegistarEvent, parse_records
from tests.support.legistar_server import LegistarData


@pytest.fixture(scope="module")
def october(legistar_data: LegistarData) -> list[LegistarEvent]:
    return parse_records(LegistarEvent, legistar_data.events)


def by_id(events: list[LegistarEvent], event_id: int) -> LegistarEvent:
    return next(event for event in events if event.EventId == event_id)


def an_event(day: str, clock: str | None, **fields: object) -> LegistarEvent:
    return LegistarEvent.model_validate(
        {
            "EventId": 1,
            "EventBodyId": 11,
            "EventBodyName": "Committee on Finance",
            "EventDate": f"{day}T00:00:00",
            "EventTime": clock,
            "EventLastModifiedUtc": "2024-11-04T12:00:00",
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:30 AM", time(9, 30)),
        ("12:00 PM", time(12, 0)),
        ("12:15 am", time(0, 15)),
        ("1:00 P.M.", time(13, 0)),
        ("10:00AM", time(10, 0)),
        ("TBD", None),
        (None, None),
        ("13:00 PM", None),
    ],
)
def test_parses_legistar_clock_times(text: str | None, expected: time | None) -> None:
    assert parse_event_time(text) == expected


def test_new_york_offsets_follow_daylight_saving_time() -> None:
    before = scheduled_at(an_event("2024-11-02", "10:00 AM"))
    after = scheduled_at(an_event("2024-11-03", "10:00 AM"))  # clocks went back at 2 AM
    assert before.utcoffset() == timedelta(hours=-4)
    assert after.utcoffset() == timedelta(hours=-5)
    assert after.astimezone(UTC) == datetime(2024, 11, 3, 15, 0, tzinfo=UTC)
    spring = scheduled_at(an_event("2024-03-10", "9:30 AM"))  # clocks went forward at 2 AM
    assert spring.astimezone(UTC) == datetime(2024, 3, 10, 13, 30, tzinfo=UTC)


def test_slug_is_stable_and_valid(october: list[LegistarEvent]) -> None:
    assert hearing_slug(by_id(october, 21105)) == (
        "2024-10-22-0930-am-subcommittee-on-zoning-and-franchises"
    )
    assert hearing_slug(an_event("2024-10-01", None)) == "2024-10-01-committee-on-finance"
    governmental = by_id(october, 21163)  # "State & Federal" in the body name
    assert "state-and-federal" in hearing_slug(governmental)
    assert all(SLUG_PATTERN.match(hearing_slug(event)) for event in october)


def test_an_event_with_video_is_ready_for_resolution(october: list[LegistarEvent]) -> None:
    plan = plan_hearing(by_id(october, 21105), october)
    assert plan.status == "discovered"
    assert plan.video_page_url and "NYCC" in plan.video_page_url
    assert plan.scheduled_at == datetime.fromisoformat("2024-10-22T09:30:00-04:00")


def test_a_deferred_event_is_skipped_with_the_reason(october: list[LegistarEvent]) -> None:
    plan = plan_hearing(by_id(october, 21137), october)
    assert (plan.status, plan.status_reason) == ("skipped", "agenda status is Deferred")


@pytest.mark.parametrize(
    ("comment", "skipped"),
    [
        ("CANCELED", True),
        ("This hearing has been postponed.", True),
        ("Meeting cancelled", True),
        ("Vote on items deferred at the last meeting", False),
        ("VOTE*", False),
    ],
)
def test_a_cancelled_comment_skips_the_event(comment: str, skipped: bool) -> None:
    plan = plan_hearing(an_event("2024-10-01", "10:00 AM", EventComment=comment), [])
    assert (plan.status == "skipped") is skipped
    if skipped:
        assert plan.status_reason == f"event comment says: {comment}"


def test_a_recessed_meeting_was_held_and_is_not_skipped() -> None:
    recessed = an_event(
        "2024-03-11",
        "3:30 PM",
        EventAgendaStatusName="Recessed",
        EventVideoPath="https://councilnyc.viebit.com/vod/?s=true&v=N.mp4",
    )
    assert plan_hearing(recessed, []).status == "discovered"


def test_an_event_without_video_waits_for_it() -> None:
    plan = plan_hearing(an_event("2024-10-01", "10:00 AM", EventVideoPath=None), [])
    assert (plan.status, plan.status_reason) == ("waiting_for_video", "no video on Legistar yet")


def test_a_joint_hearing_points_at_the_partner_that_has_the_video(
    october: list[LegistarEvent],
) -> None:
    public_safety = plan_hearing(by_id(october, 21110), october)  # jointly with Aging
    assert public_safety.status == "skipped"
    assert "Committee on Aging" in (public_safety.status_reason or "")
    assert "21109" in (public_safety.status_reason or "")
    aging = plan_hearing(by_id(october, 21109), october)
    assert aging.status == "discovered"
    assert aging.joint_with == ["Committee on Public Safety"]
