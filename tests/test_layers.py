"""The package layers of docs/architecture.md, checked on every module's imports (lazy ones included).

    models      contracts and pure rules (schema, normalisation, entity resolution, skill model, landing format)
    scrapers    Scrapy project: parsers (pure), spiders, item chain        -> models
    warehouse   DuckDB: loads, builds, skill tables                         -> models
    pipelines   Dagster definitions, the `mcatlas` CLI, releases            -> everything

A failure names the module, the line and the import that crosses a layer.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = ("models", "scrapers", "warehouse", "pipelines")

# package (longest prefix wins) -> (our packages it may import, third-party packages it must not import)
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "models": (("models",), ("dagster", "scrapy", "twisted", "duckdb", "click")),
    "scrapers": (("models", "scrapers"), ("dagster", "duckdb", "click")),
    # parsers are pure functions of (body, url): no Scrapy, and nothing of the crawl around them
    "scrapers.parsers": (("models", "scrapers.parsers"), ("dagster", "duckdb", "click", "scrapy", "twisted")),
    "warehouse": (("models", "warehouse"), ("dagster", "scrapy", "twisted", "click")),
    "pipelines": (OURS, ()),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> list[Path]:
    return sorted(
        p
        for pkg in OURS
        for p in (REPO / pkg).rglob("*.py")
        if "snapshot" not in p.relative_to(REPO).parts and "__pycache__" not in p.parts
    )


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            # `from pkg import module` imports pkg.module: check the longer name too
            found += [(node.lineno, name)] + [(node.lineno, f"{name}.{a.name}") for a in node.names]
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _rule(module: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return RULES[max((p for p in RULES if _within(module, p)), key=len)]


def violations(path: Path, source: str | None = None) -> list[str]:
    """Imports of `path` (or of `source` as if it were that file) that cross its layer: `file:line: import x`."""
    module = _module_name(path)
    allowed, banned = _rule(module)
    rel = path.relative_to(REPO)
    out = []
    for line, name in _imports(path, source):
        if any(_within(name, p) for p in OURS):
            # `from scrapers import parsers` checks as scrapers.parsers; the bare package name only matters when
            # nothing of the package is allowed at all
            if not any(_within(name, a) or _within(a, name) for a in allowed):
                out.append(
                    f"{rel}:{line}: import {name} (layer {module.split('.')[0]} may import {', '.join(allowed)})"
                )
        elif any(_within(name, b) for b in banned):
            out.append(f"{rel}:{line}: import {name} ({module.rpartition('.')[0] or module} must not use it)")
    return out


def test_every_module_keeps_to_its_layer():
    problems = [v for path in _modules() for v in violations(path)]
    assert not problems, "imports across the layers of docs/architecture.md:\n" + "\n".join(problems)


def test_the_check_catches_a_crossing():
    """The rule fires on the imports it exists for (a test that cannot fail proves nothing)."""
    probe = (
        "import dagster\nfrom scrapers.spiders.base import SourceSpider\nfrom models.landing import DONE\n"
        "def f():\n    from pipelines import cli\n    from . import db\n"
    )
    found = violations(REPO / "warehouse" / "_layer_probe.py", probe)
    assert [v.split(": ", 1)[1].split(" (")[0] for v in found] == [
        "import dagster",
        "import scrapers.spiders.base",
        "import scrapers.spiders.base.SourceSpider",
        "import pipelines",
        "import pipelines.cli",
    ]
    assert violations(REPO / "pipelines" / "cli.py") == []  # pipelines wires everything


@pytest.mark.parametrize(
    "package, name, ok",
    [
        ("models", "models.offer", True),
        ("models", "scrapers.landing", False),
        ("models", "warehouse.db", False),
        ("scrapers", "models.landing", True),
        ("scrapers", "warehouse.db", False),
        ("scrapers", "pipelines.cli", False),
        ("scrapers.parsers", "scrapers.spiders.base", False),
        ("scrapers.parsers", "scrapers.parsers.base", True),
        ("warehouse", "scrapers.landing", False),
        ("warehouse", "models.skills.mapping", True),
    ],
)
def test_layer_table(package, name, ok):
    allowed, _ = _rule(package)
    assert any(_within(name, a) for a in allowed) is ok


def test_every_dagster_domain_exports_the_same_names():
    import pipelines.defs as defs_pkg
    from pipelines.defs import DOMAIN_EXPORTS

    domains = [m.name for m in pkgutil.iter_modules(defs_pkg.__path__) if m.ispkg]
    assert {"harvest", "warehouse", "quality", "skills", "schedules"} <= set(domains)
    for name in domains:
        module = importlib.import_module(f"pipelines.defs.{name}")
        missing = [e for e in DOMAIN_EXPORTS if not hasattr(module, e)]
        assert not missing, f"pipelines/defs/{name} does not export {missing}"
        assert isinstance(module.resources, dict)
        assert all(isinstance(getattr(module, e), list) for e in DOMAIN_EXPORTS if e != "resources")
