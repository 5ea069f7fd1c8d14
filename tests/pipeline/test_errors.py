"""Every error a user can cause or fix derives from the one base, `HearingsError`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import flows
import models
import pipeline
from pipeline.errors import HearingsError

# Raised and caught inside one module (retry signals, a proposal the code repairs): never
# reach a user.
INTERNAL = {
    "pipeline.acquire._IncompleteDownload",
    "pipeline.acquire._ServerError",
    "pipeline.schemas.TilingError",
    "pipeline.review.web.LoginRequired",
    "flows.hearing_run.LineEnd",  # a run stopping at `--until`: process_hearing.run_line ends it
    "pipeline.stages.FellBack",  # a fallback that did the work: run_stage makes it an Outcome
}


def _our_exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for package in (pipeline, flows, models):
        for module_info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for name, value in inspect.getmembers(module, inspect.isclass):
                if issubclass(value, BaseException) and value.__module__ == module.__name__:
                    found[f"{module.__name__}.{name}"] = value
    return found


def test_every_user_facing_error_derives_from_the_one_base() -> None:
    classes = _our_exception_classes()
    assert len(classes) > 30  # the walk really found the modules' errors
    outside = sorted(
        name
        for name, cls in classes.items()
        if name not in INTERNAL and not issubclass(cls, HearingsError)
    )
    assert outside == []
