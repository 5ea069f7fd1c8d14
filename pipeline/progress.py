"""How far a long stage (transcribe, diarize) has come, as a fraction from 0 to 1.

Libraries report progress in their own units and sometimes overshoot or step back
(a batch counter past its total, a segment ending before the previous one); callers
(a progress bar, a log line every tenth) want a steady climb that ends at exactly 1.
"""

from __future__ import annotations

from collections.abc import Callable

FractionCallback = Callable[[float], None]


class MonotonicFraction:
    """Passes fractions on to `callback` clamped to [0, 1], and only when they grow."""

    def __init__(self, callback: FractionCallback | None) -> None:
        self.callback = callback
        self.reported: float | None = None

    def __call__(self, fraction: float) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        if self.callback is None or (self.reported is not None and fraction <= self.reported):
            return
        self.reported = fraction
        self.callback(fraction)

    def finish(self) -> None:
        self(1.0)


class StageProgress:
    """Where a stage reports how far it is: a fraction done, or bytes transferred.

    This one ignores everything; the CLI draws Rich bars and the flows write Prefect
    progress artifacts by overriding the two methods.
    """

    def fraction(self, done: float) -> None:
        """`done` of the work, from 0 to 1."""

    def transferred(self, done: int, total: int | None) -> None:
        """`done` bytes of `total` (None when the size is unknown)."""


NO_PROGRESS = StageProgress()
