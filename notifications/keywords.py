"""Text-message keywords and the replies they get (CTIA, FCC 24-18).

STOP words are the FCC's per-se opt-out words (stop, quit, end, revoke,
opt out, cancel, unsubscribe) plus Spanish equivalents; a short message that
starts with one counts too (a reasonable person would read "Stop texting me"
as an opt-out). HELP/INFO answer with who we are, the program, frequency,
"Msg & data rates may apply" and how to stop. YES confirms double opt-in.
Anything else gets the call-center reply.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext as _

from portal.utility import utility_get

STOP, HELP, YES, OTHER = "stop", "help", "yes", "other"

_WORDS = {
    STOP: {
        "en": {
            "STOP",
            "STOPALL",
            "QUIT",
            "END",
            "REVOKE",
            "OPT OUT",
            "OPTOUT",
            "OPT-OUT",
            "CANCEL",
            "UNSUBSCRIBE",
        },
        "es": {"PARAR", "ALTO", "DETENER", "CANCELAR", "BAJA"},
    },
    HELP: {"en": {"HELP", "INFO"}, "es": {"AYUDA"}},
    YES: {"en": {"YES", "Y"}, "es": {"SI"}},
}
_FIRST_WORD_STOP = {"STOP", "UNSUBSCRIBE", "CANCEL", "QUIT", "REVOKE", "PARAR", "CANCELAR"}


def _normalize(body: str) -> str:
    text = unicodedata.normalize("NFKD", body or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = re.sub(r"[^A-Z0-9 -]+", " ", text)
    return " ".join(text.split())


def classify(body: str) -> tuple[str, str | None]:
    """Return (kind, language of the keyword or None)."""
    text = _normalize(body)
    for kind in (STOP, HELP, YES):
        for language, words in _WORDS[kind].items():
            if text in words:
                return kind, language
    words = text.split()
    if words and len(words) <= 4 and words[0] in _FIRST_WORD_STOP:
        return STOP, "es" if words[0] in {"PARAR", "CANCELAR"} else "en"
    if len(words) >= 2 and " ".join(words[:2]) == "OPT OUT":
        return STOP, "en"
    return OTHER, None


def reply(kind: str, language: str) -> str:
    utility = utility_get()
    params = {
        "name": utility.name,
        "phone": utility.support_phone,
        "website": utility.website.removeprefix("https://").removeprefix("http://"),
    }
    with translation.override(language):
        if kind == STOP:
            return (
                _(
                    "%(name)s: You are unsubscribed from text alerts and will get no more "
                    "texts. Questions? Call %(phone)s."
                )
                % params
            )
        if kind == HELP:
            return (
                _(
                    "%(name)s Alerts: peak events, outages & account news. Up to 10 msgs/mo. "
                    "Msg & data rates may apply. Help: %(phone)s %(website)s. Reply STOP to "
                    "cancel."
                )
                % params
            )
        if kind == YES:
            return (
                _(
                    "%(name)s: Thanks! Text alerts are on. Msg & data rates may apply. "
                    "Reply HELP for help, STOP to cancel."
                )
                % params
            )
        return (
            _(
                "%(name)s: This number can't read replies. Call us at %(phone)s or visit "
                "%(website)s. Reply HELP for help, STOP to cancel."
            )
            % params
        )
