from __future__ import annotations

from typing import Any

from scrapers.processing import clean


class CleanPipeline:
    """Markup out, whitespace folded: later steps only ever see plain text."""

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        return clean(item)
