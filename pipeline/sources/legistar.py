"""A small client for the Legistar Web API (`https://webapi.legistar.com/v1/<client>/...`).

The token travels as the `token` query parameter, so every URL this module prints or logs
goes through `mask_token` first, and httpx's own request log is filtered the same way.
Transient failures (429, 5xx, timeouts, dropped connections) are retried by the network
settings' one retry policy (`pipeline.http`), honouring `Retry-After`; any other 4xx fails at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import httpx
from tenacity import RetryCallState

from pipeline.config import LegistarSettings, NetworkSettings
from pipeline.errors import HearingsError
from pipeline.http import (
    RetryPolicy,
    Sleep,
    http_client,
    install_log_masking,
    mask_token,
    parse_retry_after,
)
from pipeline.sources.legistar_records import (
    ID_FIELDS,
    LegistarBody,
    LegistarEvent,
    LegistarEventItem,
    LegistarOfficeRecord,
    LegistarPerson,
    LegistarRecord,
    LegistarRecordError,
    LegistarRollCall,
    describe_record,
    parse_records,
)

log = logging.getLogger(__name__)
RecordT = TypeVar("RecordT", bound=LegistarRecord)

PAGE_SIZE = 1000  # the API's largest $top
NEED_TOKEN = (
    "discovery reads the Legistar calendar, which needs a (free) token: "
    "set HEARINGS_LEGISTAR__TOKEN (see https://council.nyc.gov/legislation/api/)"
)


class LegistarError(HearingsError, RuntimeError):
    """Legistar could not answer; the message never contains the token."""


class LegistarAuthError(LegistarError):
    """Legistar refused the request (missing or wrong token)."""


class LegistarTokenMissing(LegistarAuthError):
    """No token is configured: nothing is asked of Legistar."""


class TransientLegistarError(LegistarError):
    """A failure worth retrying later (429, 5xx, a timeout)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LegistarUnavailable(TransientLegistarError):
    """Legistar kept failing with 429, 5xx or timeouts through every retry of one request."""


def require_token(settings: LegistarSettings) -> None:
    """Stop before any request when no token is configured, saying how to get one."""
    if settings.token is None:
        raise LegistarTokenMissing(NEED_TOKEN)


def _retry_after(error: BaseException) -> float | None:
    return error.retry_after if isinstance(error, TransientLegistarError) else None


def odata_datetime(moment: date | datetime) -> str:
    return f"datetime'{moment.isoformat()}'"


class LegistarClient:
    def __init__(
        self,
        settings: LegistarSettings,
        http: httpx.Client | None = None,
        *,
        network: NetworkSettings | None = None,
        page_size: int = PAGE_SIZE,
        sleep: Sleep = time.sleep,
    ) -> None:
        network = network or NetworkSettings()
        install_log_masking()
        self.root = f"{settings.base_url.rstrip('/')}/{settings.client}"
        self._token = settings.token.get_secret_value() if settings.token else None
        self._owns_http = http is None
        self._http = http or http_client(network, read_timeout=settings.timeout_seconds)
        self._retry = RetryPolicy.from_settings(network)
        self._page_size = page_size
        self._sleep = sleep

    # --- records -------------------------------------------------------------------------

    def events(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        modified_since: datetime | None = None,
    ) -> list[LegistarEvent]:
        """Events held on `start`..`end` (inclusive) and/or modified after `modified_since`."""
        clauses = []
        if start:
            clauses.append(f"EventDate ge {odata_datetime(start)}")
        if end:
            clauses.append(f"EventDate lt {odata_datetime(end + timedelta(days=1))}")
        if modified_since:
            clauses.append(f"EventLastModifiedUtc gt {odata_datetime(modified_since)}")
        return self._records("Events", LegistarEvent, " and ".join(clauses))

    def event_items(self, event_id: int) -> list[LegistarEventItem]:
        return self._records(f"Events/{event_id}/EventItems", LegistarEventItem)

    def roll_calls(self, event_item_id: int) -> list[LegistarRollCall]:
        path = f"EventItems/{event_item_id}/RollCalls"
        return parse_records(LegistarRollCall, self._list(path, {}))

    def bodies(self) -> list[LegistarBody]:
        return self._records("Bodies", LegistarBody)

    def persons(self) -> list[LegistarPerson]:
        return self._records("Persons", LegistarPerson)

    def office_records(self, active_since: date | None = None) -> list[LegistarOfficeRecord]:
        where = f"OfficeRecordEndDate ge {odata_datetime(active_since)}" if active_since else ""
        return self._records("OfficeRecords", LegistarOfficeRecord, where)

    # --- paging --------------------------------------------------------------------------

    def _records(self, path: str, model: type[RecordT], where: str = "") -> list[RecordT]:
        """Every page of a collection, de-duplicated by id (pages can shift between calls)."""
        id_field = ID_FIELDS[model]
        params: dict[str, str | int] = {"$orderby": id_field}
        if where:
            params["$filter"] = where
        by_id: dict[Any, Any] = {}
        skip = 0
        while True:
            page = self._list(path, {**params, "$top": self._page_size, "$skip": skip})
            for raw in page:
                if not isinstance(raw, dict) or raw.get(id_field) is None:
                    raise LegistarRecordError(
                        f"Legistar {describe_record(model, raw)} in {path} has no {id_field}"
                    )
                by_id.setdefault(raw[id_field], raw)
            if len(page) < self._page_size:
                return parse_records(model, list(by_id.values()))
            skip += self._page_size

    def _list(self, path: str, params: dict[str, str | int]) -> list[Any]:
        payload = self._get_json(path, params)
        if not isinstance(payload, list):
            raise LegistarError(f"Legistar {path} answered {type(payload).__name__}, not a list")
        return payload

    # --- HTTP ----------------------------------------------------------------------------

    def _get_json(self, path: str, params: dict[str, str | int]) -> Any:
        if self._token:
            params = {**params, "token": self._token}
        url = f"{self.root}/{path}"
        retrying = self._retry.retrying(
            TransientLegistarError,
            retry_after=_retry_after,
            before_sleep=self._log_retry,
            sleep=self._sleep,
        )
        try:
            response = retrying(self._get_once, url, params)
        except TransientLegistarError as error:
            tries = self._retry.describe(retrying.statistics.get("attempt_number", 1))
            raise LegistarUnavailable(f"{error} (gave up after {tries})") from None
        try:
            return response.json()
        except ValueError:
            raise LegistarError(
                f"Legistar {path} returned malformed JSON: {mask_token(response.text[:80])!r}"
            ) from None

    def _get_once(self, url: str, params: dict[str, str | int]) -> httpx.Response:
        where = f"GET {mask_token(url)}"
        try:
            response = self._http.get(url, params=params)
        except httpx.TimeoutException:
            raise TransientLegistarError(f"{where} timed out") from None
        except httpx.TransportError as error:
            raise TransientLegistarError(f"{where} failed: {type(error).__name__}") from None
        status = response.status_code
        if status == 429 or status >= 500:
            raise TransientLegistarError(
                f"{where} answered {status}",
                parse_retry_after(response.headers.get("Retry-After")),
            )
        if status in (401, 403):
            raise LegistarAuthError(
                f"Legistar refused {where} ({status} {_short(response)}): "
                "set HEARINGS_LEGISTAR__TOKEN to a valid token"
            )
        if status >= 400:
            raise LegistarError(f"{where} answered {status} {_short(response)}")
        return response

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s; retry %d of at most %d", error, state.attempt_number, self._retry.attempts - 1
        )

    def close(self) -> None:
        """Close the HTTP client if this client made it (a borrowed one stays open)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> LegistarClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _short(response: httpx.Response) -> str:
    return mask_token(response.text.strip().replace("\n", " ")[:120])


def dedupe_events(events: Iterable[LegistarEvent]) -> list[LegistarEvent]:
    by_id = {event.EventId: event for event in events}
    return [by_id[event_id] for event_id in sorted(by_id)]
