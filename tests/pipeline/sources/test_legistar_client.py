"""The Legistar client against a loopback API serving real October 2024 records."""

from __future__ import annotations

import logging
from datetime import date, datetime

import pytest
from pydantic import SecretStr

from pipeline.config import LegistarSettings, NetworkSettings
from pipeline.http import RetryPolicy, mask_token
from pipeline.sources.legistar import (
    LegistarAuthError,
    LegistarClient,
    LegistarError,
    LegistarUnavailable,
)
from pipeline.sources.legistar_records import LegistarRecordError
from tests.support.legistar_server import Fault, LegistarServer

OCTOBER_2024_EVENTS = 63


def test_pages_through_every_event_once(
    legistar_server: LegistarServer, legistar_settings: LegistarSettings
) -> None:
    legistar_server.state.overlap_pages = True  # each page repeats the previous page's last row
    with LegistarClient(legistar_settings, page_size=10) as client:
        events = client.events(start=date(2024, 10, 1), end=date(2024, 10, 31))
    ids = [event.EventId for event in events]
    assert len(ids) == len(set(ids)) == OCTOBER_2024_EVENTS
    assert legistar_server.state.count("%24top=10") == 7  # pages at $skip 0, 10, ... 60


def test_filters_by_date_range_inclusive(legistar_client: LegistarClient) -> None:
    events = legistar_client.events(start=date(2024, 10, 22), end=date(2024, 10, 22))
    assert {event.EventId for event in events} == {21105, 21171, 21108, 21107}
    assert all(event.EventDate.date() == date(2024, 10, 22) for event in events)


def test_filters_by_last_modified(legistar_client: LegistarClient) -> None:
    cutoff = datetime(2025, 1, 1)
    events = legistar_client.events(modified_since=cutoff)
    assert events
    assert all(event.EventLastModifiedUtc > cutoff for event in events)
    assert len(events) < OCTOBER_2024_EVENTS


def test_reads_agenda_items_roll_calls_and_roster_records(legistar_client: LegistarClient) -> None:
    items = legistar_client.event_items(21118)
    assert {item.EventItemMatterFile for item in items} == {"Res 0597-2024", "LU 0173-2024", None}
    roll_call_items = [item for item in items if item.EventItemRollCallFlag]
    votes = legistar_client.roll_calls(roll_call_items[0].EventItemId)
    assert votes and all(vote.RollCallPersonName for vote in votes)
    assert len(legistar_client.bodies()) == 43
    assert len(legistar_client.persons()) == 59
    active = legistar_client.office_records(active_since=date(2024, 12, 31))
    assert active and all(record.end and record.end >= date(2024, 12, 31) for record in active)


def test_without_token_the_refusal_is_clear(
    legistar_server: LegistarServer, legistar_settings: LegistarSettings
) -> None:
    no_token = legistar_settings.model_copy(update={"token": None})
    with LegistarClient(no_token) as client, pytest.raises(LegistarAuthError) as raised:
        client.bodies()
    assert "Token is required" in str(raised.value)
    assert "HEARINGS_LEGISTAR__TOKEN" in str(raised.value)
    assert legistar_server.state.count("Bodies") == 1  # a refusal is not retried


def test_a_wrong_token_never_appears_in_errors_or_logs(
    legistar_settings: LegistarSettings, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "secret-token-never-shown"
    wrong = legistar_settings.model_copy(update={"token": SecretStr(secret)})
    caplog.set_level(logging.DEBUG)
    with LegistarClient(wrong) as client, pytest.raises(LegistarAuthError) as raised:
        client.events(start=date(2024, 10, 1))
    assert secret not in str(raised.value)
    assert "HTTP Request" in caplog.text  # httpx did log the request...
    assert secret not in caplog.text  # ...with the token masked


def test_retries_429_honouring_retry_after_then_succeeds(
    legistar_server: LegistarServer, legistar_settings: LegistarSettings
) -> None:
    waits: list[float] = []
    legistar_server.state.fail_next("Bodies", Fault(status=429, retry_after="7"), Fault(status=429))
    network = NetworkSettings(backoff_seconds=0.5)
    with LegistarClient(legistar_settings, network=network, sleep=waits.append) as client:
        assert len(client.bodies()) == 43
    assert waits == [7.0, 1.0]  # the server's Retry-After, then our back-off for attempt 2
    assert legistar_server.state.count("Bodies") == 3


def test_retries_server_errors_then_succeeds(
    legistar_server: LegistarServer, legistar_client: LegistarClient
) -> None:
    legistar_server.state.fail_next("Persons", Fault(status=500), Fault(status=503))
    assert len(legistar_client.persons()) == 59
    assert legistar_server.state.count("Persons") == 3


def test_gives_up_after_repeated_server_errors(
    legistar_server: LegistarServer, legistar_client: LegistarClient
) -> None:
    legistar_server.state.fail_next("Persons", *[Fault(status=500)] * 3)
    with pytest.raises(LegistarUnavailable, match=r"answered 500 \(gave up after 3 tries\)"):
        legistar_client.persons()
    assert legistar_server.state.count("Persons") == 3


def test_retries_a_timeout_and_says_so_when_it_persists(
    legistar_server: LegistarServer, legistar_client: LegistarClient
) -> None:
    legistar_server.state.fail_next("Bodies", Fault(delay=1.0))
    assert len(legistar_client.bodies()) == 43
    legistar_server.state.fail_next("Bodies", *[Fault(delay=1.0)] * 3)
    with pytest.raises(LegistarUnavailable, match="timed out") as raised:
        legistar_client.bodies()
    assert legistar_server.state.token not in str(raised.value)


def test_other_client_errors_are_not_retried(
    legistar_server: LegistarServer, legistar_client: LegistarClient
) -> None:
    legistar_server.state.fail_next("Bodies", Fault(status=400, body=b'{"Message": "bad $filter"}'))
    with pytest.raises(LegistarError, match="answered 400"):
        legistar_client.bodies()
    assert legistar_server.state.count("Bodies") == 1


def test_malformed_json_names_the_endpoint(
    legistar_server: LegistarServer, legistar_client: LegistarClient
) -> None:
    legistar_server.state.fail_next("Events", Fault(body=b'[{"EventId": 1,'))
    with pytest.raises(LegistarError, match="Events returned malformed JSON"):
        legistar_client.events(start=date(2024, 10, 1))


def test_a_record_missing_a_field_is_named(
    legistar_server: LegistarServer, legistar_client: LegistarClient
) -> None:
    del legistar_server.state.event(21105)["EventBodyName"]
    with pytest.raises(
        LegistarRecordError, match="event EventId=21105 is malformed: EventBodyName: Field required"
    ):
        legistar_client.events(start=date(2024, 10, 1))


def test_retry_delay_prefers_the_servers_retry_after() -> None:
    policy = RetryPolicy(attempts=4, budget_seconds=120.0, backoff_seconds=1.0)
    assert policy.delay(7.0, attempt=1) == 7.0
    assert policy.delay(None, attempt=3) == 4.0


def test_a_retry_after_beyond_the_budget_gives_up_at_once(
    legistar_server: LegistarServer, legistar_settings: LegistarSettings
) -> None:
    waits: list[float] = []
    legistar_server.state.fail_next("Bodies", Fault(status=429, retry_after="10000"))
    network = NetworkSettings(retry_budget_seconds=60)
    client = LegistarClient(legistar_settings, network=network, sleep=waits.append)
    with client, pytest.raises(LegistarUnavailable, match="1 try; the 60 s retry budget ran out"):
        client.bodies()
    assert (waits, legistar_server.state.count("Bodies")) == ([], 1)


def test_retries_stop_when_the_time_budget_is_spent(
    legistar_server: LegistarServer, legistar_settings: LegistarSettings
) -> None:
    waits: list[float] = []
    legistar_server.state.fail_next("Bodies", *[Fault(status=503)] * 10)
    network = NetworkSettings(attempts=10, backoff_seconds=1.0, retry_budget_seconds=10)
    client = LegistarClient(legistar_settings, network=network, sleep=waits.append)
    with client, pytest.raises(LegistarUnavailable, match="4 tries; the 10 s retry budget ran out"):
        client.bodies()
    assert waits == [1.0, 2.0, 4.0]  # the next wait (8 s) would end past 10 s of waiting
    assert legistar_server.state.count("Bodies") == 4


def test_mask_token_hides_the_value_wherever_it_sits() -> None:
    url = "https://webapi.legistar.com/v1/nyc/Events?token=abc123&$top=1000"
    assert mask_token(url) == "https://webapi.legistar.com/v1/nyc/Events?token=***&$top=1000"
