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

    Headings above ``top_level`` are lowered to it, so staff headings never
    compete with the page's own ``<h1>``: pages use 2 (``##`` stays ``h2``),
    FAQ answers, which sit under a question, use 3.
    """
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    for level in range(1, top_level):
        html = html.replace(f"<h{level}>", f"<h{top_level}>").replace(
            f"</h{level}>", f"</h{top_level}>"
        )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)
