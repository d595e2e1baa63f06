from __future__ import annotations

from typing import Any

from models.normalise.offer import normalise_item


class NormalisePipeline:
    """As-given values onto the schema's normalised fields (rules live in models/normalise)."""

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        return normalise_item(item)
