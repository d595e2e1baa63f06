"""Shared XML loading: one clear error for malformed documents, tolerant of BOMs and mislabelled encodings."""

from __future__ import annotations

from lxml import etree

from scrapers.parsers.base import ParseError

# Internal entities (`<!ENTITY nbsp "&#160;">` in the document's own DTD) are expanded: left unresolved, lxml ends an
# element's `.text` at the first reference and "Intro&nbsp;to Python" becomes "Intro". External entities (SYSTEM /
# PUBLIC, file or URL) are never loaded: "internal" refuses them (the document is then malformed), no_network and
# load_dtd=False keep lxml off the network and the disk. huge_tree=False keeps libxml2's safety limits: nesting
# deeper than 256 levels is an error, and entity amplification (billion laughs) is stopped early.
# lxml-stubs 0.5 predate lxml 5, which added resolve_entities="internal"; the stubs still say bool.
_PARSER = etree.XMLParser(
    resolve_entities="internal",  # type: ignore[arg-type]
    load_dtd=False,
    no_network=True,
    huge_tree=False,
    remove_blank_text=False,
)


def load_xml(body: bytes, what: str) -> etree._Element:
    """Parse bytes as XML; a body declared UTF-8 but written in Windows-1252 is re-read as such."""
    data = body.lstrip()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data:
        raise ParseError(f"{what}: empty response body")
    if data[:1] != b"<":
        raise ParseError(f"{what}: not XML (starts with {data[:20]!r})")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        if "encoding" in str(exc).lower() or "utf-8" in str(exc).lower() or "Input is not proper" in str(exc):
            try:
                text = data.decode("cp1252")
                text = text.split("?>", 1)[1] if text.startswith("<?xml") else text
                return etree.fromstring(text.encode("utf-8"), _PARSER)
            except (UnicodeDecodeError, etree.XMLSyntaxError):
                pass
        raise ParseError(f"{what}: malformed XML ({exc.msg}, line {exc.lineno})") from None
    if root is None:
        raise ParseError(f"{what}: empty XML document")
    if root.tag in ("html", "{http://www.w3.org/1999/xhtml}html"):
        raise ParseError(f"{what}: expected XML data but got an HTML page")
    return root


def local(tag: object) -> str:
    """Tag name without namespace ('{ns}name' -> 'name'); string work, several times faster than etree.QName."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
