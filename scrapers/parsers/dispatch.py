"""Shape dispatch: a platform parser handed another platform's recorded response still reads it.

`mcatlas parse coursera FILE` may be given any MOOC catalogue recording; each parser first tries its own
format and then asks here, which tries the other platform parsers' `parse_data` (None = not my shape).
Only a document no parser recognises is a `ParseError`.
"""

from __future__ import annotations

import importlib
from typing import Any

from scrapers.parsers.base import Page, ParseError

# Most specific shapes first: each `parse_data` returns None unless the document is its own format.
PARSERS = ("coursera", "edx", "moochub", "futurelearn", "iversity", "udacity")


def fallback(data: Any, url: str, message: str, skip: str) -> Page:
    """The first other parser that recognises `data`; otherwise `ParseError(message)`."""
    for name in PARSERS:
        if name == skip:
            continue
        module = importlib.import_module(f"scrapers.parsers.{name}")
        page = module.parse_data(data, url)
        if page is not None:
            page.stats[f"dispatch/{name}"] = 1
            return page
    raise ParseError(message)
