"""The bulk rendering fast path produces exactly what Django produces."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.template import Context, Engine

from notifications.fastrender import FastTemplate
from notifications.rendering import FILES, TemplateSource, default_source, sample_context
from notifications.topics import TOPICS

ENGINE = Engine(builtins=["django.templatetags.i18n"], autoescape=True)


@dataclass(frozen=True)
class Utility:
    name: str = "Prairie & Valley <Energy>"
    support_phone: str = "+1 800 555 0134"


def both(source: str, context: dict, *, autoescape: bool) -> tuple[str, str]:
    if not autoescape:
        source = "{% autoescape off %}" + source + "{% endautoescape %}"
    template = ENGINE.from_string(source)
    django = template.render(Context(context, autoescape=autoescape))
    fast = FastTemplate(template, autoescape).render(context, "en")
    return django, fast


CASES = [
    "Hello {{ name }}!",
    "{{ utility.name }} · {{ utility.support_phone }} · {{ utility.missing }}",
    "{% if name %}Hi {{ name }}{% else %}Hi there{% endif %}.",
    "{% if a %}A{% elif b %}B{{ b }}{% else %}C{% endif %}",
    "{{ html }} and {{ missing }} and {{ count }}",
    "{{ amount }} kWh",  # a Decimal: Django localizes, the fast path defers
    "{{ name|upper }}",  # a filter: Django renders it
    "{% if not name %}none{% endif %}",
    "{{ obj.method }}",
]
CONTEXT = {
    "name": "María <b>",
    "utility": Utility(),
    "html": "<script>alert(1)</script> & more",
    "a": "",
    "b": "bee",
    "count": 3,
    "amount": Decimal("1.25"),
    "obj": type("Obj", (), {"method": lambda self: "called"})(),
}


@pytest.mark.parametrize("source", CASES)
@pytest.mark.parametrize("autoescape", [True, False])
def test_fast_path_matches_django(source, autoescape):
    django, fast = both(source, CONTEXT, autoescape=autoescape)
    assert fast == django


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("topic", "channel", "language"),
    [(t.key, c, lang) for t in TOPICS.values() for c in t.channels for lang in ("en", "es")],
)
def test_every_shipped_template_takes_the_fast_path_and_matches(topic, channel, language):
    source: TemplateSource = default_source(topic, channel, language)
    context = {**sample_context(topic, language), "recipient_name": "Ana <3"}
    for part, autoescape in (
        (source.subject, False),
        (source.body_text, False),
        (source.body_html, True),
    ):
        if not part:
            continue
        template = ENGINE.from_string(
            part if autoescape else "{% autoescape off %}" + part + "{% endautoescape %}"
        )
        fast = FastTemplate(template, autoescape)
        assert fast.steps is not None, f"{topic}/{channel}/{language} needs Django"
        assert fast.render(context, language) == template.render(
            Context(context, autoescape=autoescape)
        )
    assert channel in FILES
