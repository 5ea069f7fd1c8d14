"""The layers of DESIGN.md, read from the import statements of each module."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO_ROOT

# What storage may import of ours: the schema modules, the error base, and storage itself.
STORAGE_MAY_IMPORT = ("pipeline.schemas", "pipeline.records", "pipeline.errors")
STORAGE = ("models", "pipeline.store")
NETWORK_LIBRARIES = ("httpx", "yt_dlp", "openai", "tenacity")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(*folders: str) -> dict[str, set[str]]:
    return {
        _module_name(path): _imports(path)
        for folder in folders
        for path in sorted((REPO_ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(f"{package}.") for package in packages)


def test_storage_imports_no_stage_source_flow_or_face() -> None:
    modules = _modules("models", "pipeline/store")
    assert len(modules) > 8
    wrong = {
        module: sorted(
            name
            for name in imports
            if _within(name, ("pipeline", "flows"))
            and not _within(name, STORAGE + STORAGE_MAY_IMPORT)
        )
        for module, imports in modules.items()
    }
    assert {module: names for module, names in wrong.items() if names} == {}


def test_storage_does_no_network_work() -> None:
    modules = _modules("models", "pipeline/store")
    talking = {
        module: sorted(name for name in imports if _within(name, NETWORK_LIBRARIES))
        for module, imports in modules.items()
    }
    assert {module: names for module, names in talking.items() if names} == {}


def test_sources_import_no_storage_flow_or_face() -> None:
    modules = _modules("pipeline/sources")
    forbidden = ("models", "flows", "pipeline.store", "pipeline.cli", "prefect", "sqlalchemy")
    wrong = {
        module: sorted(name for name in imports if _within(name, forbidden))
        for module, imports in modules.items()
    }
    assert {module: names for module, names in wrong.items() if names} == {}
