"""Staff-written Markdown to safe HTML (FAQ answers and pages).

The same rules as the catalog's descriptions; content sits below the catalog
in the import order, so it keeps its own copy rather than importing it.
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code",
    "pre", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def markdown_html(text: str, *, top_level: int = 3) -> SafeString:
    """Render Markdown, then keep only harmless tags (nh3 strips the rest).

    ``#`` becomes ``<h{top_level}>`` so staff headings never compete with the
    page's own ``<h1>``: pages use 2, FAQ answers (inside a question) 3.
    """
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    shift = top_level - 1
    if shift:
        for level in (4, 3, 2, 1):
            new = min(level + shift, 6)
            html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"h5", "h6"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)
