from django import template
from django.templatetags.static import static

from portal.markdown import markdown_html

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return markdown_html(text)


@register.simple_tag
def entry_image(entry) -> str:
    """The URL of an entry's picture: its upload, else its built-in drawing."""
    if getattr(entry, "image", None):
        return entry.image.url
    return static(f"catalog/img/{entry.illustration}.svg")
