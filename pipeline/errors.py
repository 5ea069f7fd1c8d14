"""The one base of every error a user can cause or fix.

Bad input, a missing or wrong setting, a service that cannot be reached: each is raised as a
subclass of `HearingsError` whose message is one line saying what went wrong and, where it
helps, what to do. The CLI catches this base once and prints that line; anything else is a
bug and keeps its traceback. Like the schemas, this module imports nothing else of ours, so
every layer may use it.
"""

from __future__ import annotations


class HearingsError(Exception):
    """Something a user can cause or fix; the message is one line."""
