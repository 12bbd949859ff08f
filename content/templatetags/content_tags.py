from django import template
from django.db import DatabaseError
from django.utils.translation import get_language

from content.selectors import page_list_footer
from portal.markdown import markdown_html

register = template.Library()


@register.filter(name="content_markdown")
def content_markdown(text: str, top_level: int = 3):
    return markdown_html(text, top_level=int(top_level))


@register.simple_tag
def footer_pages() -> list[dict]:
    spanish = (get_language() or "").startswith("es")
    try:
        pages = page_list_footer()
    except DatabaseError:
        # Every page has the footer: the 404 page must render even before
        # migrations or while the database struggles.
        return []
    return [
        {"url": url, "title": (title_es if spanish and title_es else title)}
        for url, title, title_es in pages
    ]
