"""Plain text from whatever markup a source sends."""

from __future__ import annotations

import html
import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)

_TAG_HINT = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z0-9]+;")
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")
_BLOCK = {"p", "div", "li", "br", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section"}


def strip_markup(value: str | None) -> str | None:
    """Markup-free text with paragraph breaks kept; script/style content is dropped, not shown."""
    if value is None:
        return None
    text = value
    if _TAG_HINT.search(text):
        soup = BeautifulSoup(text, "lxml")
        for bad in soup(["script", "style", "noscript", "iframe"]):
            bad.decompose()
        for tag in soup.find_all(_BLOCK):
            tag.insert_before("\n")
            tag.insert_after("\n")
        text = html.unescape(soup.get_text())
    text = _WS.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANKS.sub("\n\n", text).strip()
    return text or None


def one_line(value: str | None) -> str | None:
    """Whitespace-collapsed single line, for titles and names."""
    text = strip_markup(value)
    return " ".join(text.split()) if text else None
