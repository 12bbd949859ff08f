"""Staff-written Markdown to safe HTML (catalog descriptions, FAQ answers, pages).

Here, in the project package, because both `catalog` and `content` need it
and neither may import the other.
"""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

BASE_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code",
    "pre", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def markdown_html(text: str, *, top_level: int = 3) -> SafeString:
    """Render Markdown, then keep only harmless tags (nh3 strips the rest).

    Headings above ``top_level`` are lowered to it, and no heading tag above
    it survives (not even as raw HTML), so staff headings never compete with
    the page's own: editorial pages use 2, descriptions and FAQ answers,
    which sit under the page's sections, 3.
    """
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    for level in range(1, top_level):
        html = html.replace(f"<h{level}>", f"<h{top_level}>").replace(
            f"</h{level}>", f"</h{top_level}>"
        )
    cleaned = nh3.clean(
        html,
        tags=BASE_TAGS | {f"h{level}" for level in range(top_level, 5)},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)
