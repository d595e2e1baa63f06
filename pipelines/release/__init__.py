"""Dataset releases and reports for researchers: `mcatlas export`, `mcatlas export --verify`, `mcatlas report`.

One package so that the release format (manifest, checksums, ELM JSON-LD) and the report's charts are defined in
one place; the CLI only wraps these functions.
"""

from __future__ import annotations


class ReleaseError(RuntimeError):
    """A one-line, user-facing reason why an export, a verification or a report could not be made."""
