"""Reference tables shipped with the project (ISCED-F 2013, ECB euro rates, national level frameworks).

One CSV each, read here by the normaliser and loaded as dbt seeds into the warehouse (warehouse/dbt/dbt_project.yml
lists this folder among its seed paths), so analysts query the very table a rule used. What each table is and where
its values come from: README.md beside them and warehouse/dbt/seeds/_seeds.yml (the data dictionary).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of `<name>.csv`, header first; plain CSV (dbt seeds allow no comment lines)."""
    with (FOLDER / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))
