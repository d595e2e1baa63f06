"""Not normalising again what did not change: a parsed record's `input_hash`.

`input_hash` is the SHA-256 of the parsed record (provenance excluded) together with `NORMALISER_VERSION`. The item
chain (scrapers/chain.py) reuses the previous run's landed record for an unchanged input hash instead of running
clean -> normalise -> validate again; bumping the version invalidates every stored hash, so changed rules always
re-normalise everything. Reading previous landing runs is the landing area's business (scrapers/landing.py).
"""

from __future__ import annotations

import hashlib
from typing import Any

from models.landing import canonical_json
from models.normalise import NORMALISER_VERSION

_SKIP = ("provenance", "record_hash", "input_hash")
_VERSION_PREFIX = f"{NORMALISER_VERSION}\n".encode()


def input_hash(item: dict[str, Any]) -> str:
    """SHA-256 of a parsed record before normalisation (sorted compact JSON), with the normaliser version."""
    body = canonical_json({k: v for k, v in item.items() if k not in _SKIP})
    return hashlib.sha256(_VERSION_PREFIX + body).hexdigest()
