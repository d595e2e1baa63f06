"""Shared XML loading: one clear error for malformed documents, tolerant of BOMs and mislabelled encodings."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

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


# The strict parser's errors that are safety limits (nesting depth, entity amplification or loops, huge nodes): never
# recovered from, whatever else is wrong with the document.
_LIMIT_ERRORS = re.compile(r"depth|amplification|entity reference loop|huge|limit exceeded", re.IGNORECASE)
# The document's first start tag (after an XML declaration, comments, processing instructions and a DOCTYPE with
# its internal subset), looked for in the first _PROLOG_MAX bytes, and the well-formed `name="value"` attributes in
# it. One whitespace character per repetition: `(?:\s+|...)*` would backtrack exponentially on a run of spaces.
_PROLOG_MAX = 65_536
_ROOT_START = re.compile(
    rb"\A((?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*)<([A-Za-z_][\w.:-]*)([^>]*?)(/?)>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(rb"""([A-Za-z_][\w.:-]*)\s*=\s*("[^"<]*"|'[^'<]*')""")


@dataclass(frozen=True)
class Recovery:
    """How a malformed document was read: the strict parser's error, and what recovered the rest."""

    error: str  # the strict parser's error, one line ("error parsing attribute name, line 1")
    how: str  # "root start tag repaired", "recovering parse, N errors"


def _repair_root_start_tag(data: bytes) -> bytes | None:
    """The document with its root start tag rebuilt from the well-formed attributes in it (a stray quote or other
    junk dropped, a repeated attribute kept once); None when the tag has nothing to repair. libxml2's recovery
    cannot get past a broken root start tag: it closes the root there and drops everything inside it."""
    m = _ROOT_START.match(data[:_PROLOG_MAX])
    if m is None:
        return None
    inside = m.group(3)
    attributes = list(_ATTRIBUTE.finditer(inside))
    junk = _ATTRIBUTE.sub(b"", inside).strip()
    names = [a.group(1) for a in attributes]
    if not junk and len(set(names)) == len(names):
        return None
    kept: dict[bytes, bytes] = {}
    for a in attributes:
        kept.setdefault(a.group(1), a.group(0))
    tag = b"<" + m.group(2) + b"".join(b" " + v for v in kept.values()) + m.group(4) + b">"
    return data[: m.start(2) - 1] + tag + data[m.end() :]


def _checked(root: etree._Element | None, what: str, strict: ParseError) -> etree._Element:
    if root is None:
        raise strict
    if root.tag in ("html", "{http://www.w3.org/1999/xhtml}html"):
        raise ParseError(f"{what}: expected XML data but got an HTML page")
    return root


def load_xml_recovering(body: bytes, what: str) -> tuple[etree._Element, Recovery | None]:
    """`load_xml`, and for a malformed document a second, recovering read: (root, None) for a well-formed document,
    (root, Recovery) for a recovered one, whose caller must report the document as damaged (a run is never `ok` on
    it). Safety is the strict parser's: internal entities only, no DTD, no network, libxml2's limits; a document
    that breaks a limit (depth, entity amplification) is a ParseError and is never recovered. A broken root start
    tag is rebuilt first; then lxml's `recover=True` keeps what it can (entities after the first error are left
    unexpanded, unbalanced tags closed where libxml2 sees fit)."""
    try:
        return load_xml(body, what), None
    except ParseError as exc:
        strict = exc
    message = str(strict)
    if "malformed XML" not in message or _LIMIT_ERRORS.search(message):
        raise strict
    error = message.split("malformed XML (", 1)[1].removesuffix(")")
    error = re.sub(r"(line (\d+), column \d+), line \2$", r"\1", error)  # lxml's message names the line already
    data = body.lstrip()
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    repaired = _repair_root_start_tag(data)
    if repaired is not None:
        try:
            return _checked(etree.fromstring(repaired, _PARSER), what, strict), Recovery(
                error, "root start tag repaired"
            )
        except etree.XMLSyntaxError as exc:
            if _LIMIT_ERRORS.search(exc.msg):
                raise ParseError(f"{what}: malformed XML ({exc.msg}, line {exc.lineno})") from None
            data = repaired
    parser = etree.XMLParser(
        resolve_entities="internal",  # type: ignore[arg-type]
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_blank_text=False,
        recover=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise strict from None
    errors = [e.message for e in parser.error_log]
    if limit := next((e for e in errors if _LIMIT_ERRORS.search(e)), None):
        raise ParseError(f"{what}: malformed XML ({' '.join(limit.split())})")
    how = ("root start tag repaired; " if repaired is not None else "") + "recovering parse"
    how += f", {len(errors)} error{'' if len(errors) == 1 else 's'}"
    return _checked(root, what, strict), Recovery(error, how)


def local(tag: object) -> str:
    """Tag name without namespace ('{ns}name' -> 'name'); string work, several times faster than etree.QName."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def children(node: etree._Element) -> dict[str, list[etree._Element]]:
    """Child elements grouped by local name: one pass per element instead of a search per field."""
    out: dict[str, list[etree._Element]] = defaultdict(list)
    for child in node:
        if isinstance(child.tag, str):
            out[local(child.tag)].append(child)
    return out
