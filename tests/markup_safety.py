"""Parse what the site sends (HTML with html5lib, the browsers' algorithm; XML with
ElementTree) and report anything a browser or feed reader could run."""

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405  (our own output; expat resolves no external entities)
from pathlib import Path

import html5lib

PAYLOADS_FILE = Path(__file__).parent / "data" / "xss_payloads.jsonl"

# Every element the site's templates, the sanitiser's allow-list and Django's admin use.
ALLOWED_ELEMENTS = {
    "html", "head", "body", "title", "meta", "link", "style", "script", "noscript",
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "button", "caption", "code",
    "col", "colgroup", "dd", "del", "details", "dialog", "div", "dl", "dt", "em", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "i", "img", "input", "label", "legend", "li", "main", "nav", "ol", "optgroup",
    "option", "p", "picture", "pre", "s", "section", "select", "small", "source", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "textarea", "tfoot", "th",
    "thead", "time", "tr", "ul", "template", "search",
    # The admin's icons; the site's logo mark and search icon.
    "svg", "path", "symbol", "use", "circle", "rect",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "srcset",
    "xlink:href", "dynsrc", "lowsrc", "cite", "longdesc", "ping", "manifest", "codebase",
}  # fmt: skip
BAD_SCHEMES = re.compile(r"^(javascript|vbscript|livescript|data):", re.IGNORECASE)
# Attribute names the site and the admin legitimately use; anything else is a break-out.
ALLOWED_ATTRIBUTES = {
    "accept", "accesskey", "action", "align", "alt", "autocapitalize", "autocomplete",
    "autofocus", "charset", "checked", "class", "cols", "colspan", "content", "crossorigin",
    "datetime", "decoding", "dir", "disabled", "download", "enctype", "fetchpriority", "for",
    "form", "height", "hidden", "href", "hreflang", "id", "inputmode", "integrity", "itemprop",
    "itemscope", "itemtype", "label", "lang", "loading", "max", "maxlength", "media", "method",
    "min", "minlength", "multiple", "name", "nonce", "novalidate", "open", "pattern",
    "placeholder", "property", "readonly", "referrerpolicy", "rel", "required", "role", "rows",
    "rowspan", "scope", "selected", "size", "sizes", "span", "src", "srcset", "start", "step",
    "tabindex", "target", "title", "translate", "type", "value", "width", "xmlns", "defer",
    "async", "spellcheck", "list", "dirname", "headers", "abbr",
    # On the admin's SVG icons, the site's logo mark and search icon.
    "d", "fill", "viewbox", "stroke", "xlink:href", "focusable", "cx", "cy", "r", "rx",
    "stroke-width", "stroke-linecap",
}  # fmt: skip


def load_payloads():
    lines = PAYLOADS_FILE.read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line.strip() and not line.startswith("#")]


def _local(name):
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else name


def html_problems(markup, where, *, fragment=False):
    """Everything in `markup` that could run script, as readable strings."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    root = parser.parseFragment(markup) if fragment else parser.parse(markup)
    problems = []
    for element in root.iter():
        tag = _local(element.tag)
        if not isinstance(tag, str):  # comments
            continue
        if tag not in ALLOWED_ELEMENTS and not (fragment and tag == "DOCUMENT_FRAGMENT"):
            problems.append(f"{where}: unexpected <{tag}> element")
        attributes = {_local(k).lower(): v for k, v in element.attrib.items()}
        if tag == "script":
            src = attributes.get("src", "")
            json_ld = attributes.get("type") == "application/ld+json"
            if json_ld:
                try:
                    json.loads(element.text or "")
                except ValueError:
                    problems.append(f"{where}: JSON-LD script broken open")
            elif not (src.startswith("/") and not src.startswith("//")):
                problems.append(f"{where}: script element {attributes!r}")
        if tag == "style" and "nonce" not in attributes:
            problems.append(f"{where}: <style> element without a nonce")
        for name, value in attributes.items():
            if name.startswith("on"):
                problems.append(f"{where}: event handler {name}={value!r} on <{tag}>")
            elif name not in ALLOWED_ATTRIBUTES and not name.startswith(("data-", "aria-")):
                problems.append(f"{where}: unexpected attribute {name!r} on <{tag}>")
            if name in URL_ATTRIBUTES:
                # As a browser reads a URL (WHATWG URL standard): leading and trailing
                # controls and spaces are stripped, tabs and newlines removed anywhere.
                cleaned = re.sub(
                    r"[\t\n\r]",
                    "",
                    value.strip(
                        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f \t\n\r"
                    ),
                )
                if BAD_SCHEMES.match(cleaned):
                    problems.append(f"{where}: {name}={value!r} on <{tag}>")
            if name == "style" and re.search(r"expression|javascript|url\(", value, re.I):
                problems.append(f"{where}: style={value!r} on <{tag}>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            problems.append(f"{where}: meta refresh")
    return problems


# Feed elements whose text a feed reader treats as HTML.
HTML_FEED_ELEMENTS = {"description", "encoded", "content", "summary"}


def xml_problems(data, where):
    """The document must parse as XML; any HTML carried inside it must be safe too."""
    try:
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError as error:
        return [f"{where}: not well-formed XML ({error})"]
    problems = []
    for element in root.iter():
        tag = _local(element.tag)
        if _local(element.tag) in {"script", "iframe", "img", "a", "svg"}:
            problems.append(f"{where}: markup element <{tag}> in the XML itself")
        for name in element.attrib:
            if _local(name).lower().startswith("on"):
                problems.append(f"{where}: event handler attribute in XML <{tag}>")
        is_html = tag in HTML_FEED_ELEMENTS and (
            tag in {"description", "encoded"} or element.get("type") == "html"
        )
        if is_html and element.text:
            problems += html_problems(element.text, f"{where} <{tag}>", fragment=True)
    return problems


def json_feed_problems(data, where):
    problems = []
    document = json.loads(data)
    for item in document.get("items", []):
        if item.get("content_html"):
            problems += html_problems(item["content_html"], f"{where} content_html", fragment=True)
    return problems
