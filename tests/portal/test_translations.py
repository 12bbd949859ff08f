"""Every customer-facing string of the project's templates reads in Spanish too.

Apps test their own pages; this covers templates/ (the header, footer, home
and error pages), outside the staff admin's templates.
"""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, trans_real

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SIMPLE = re.compile(r'{%\s*translate\s+"([^"]+)"\s*%}')
BLOCK = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)


def _customer_strings() -> list[tuple[str, str]]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "admin" in path.relative_to(TEMPLATES).parts:
            continue
        text = path.read_text()
        found += [(path.name, m) for m in SIMPLE.findall(text)]
        for body in BLOCK.findall(text):
            if "{% plural %}" not in body:
                found.append((path.name, re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body)))
    return found


def test_the_project_templates_have_translatable_strings():
    assert len(_customer_strings()) > 30


def _has_words(msgid: str) -> bool:
    # A string of placeholders only reads the same in every language.
    return bool(re.search(r"[A-Za-z]", re.sub(r"%\(\w+\)s", "", msgid)))


def test_each_customer_string_has_a_spanish_translation():
    # In the catalog, not merely different: "No" and "Portal" are Spanish too.
    catalog = trans_real.translation("es")._catalog
    missing = [
        f"{template}: {msgid!r}"
        for template, msgid in _customer_strings()
        if _has_words(msgid) and not catalog.get(msgid)
    ]
    assert missing == []


def test_the_check_reads_the_spanish_catalog():
    with translation.override("es"):
        assert gettext("Questions? We're here to help.") != "Questions? We're here to help."
