import pytest

from notifications import keywords


@pytest.mark.parametrize(
    "body",
    [
        "STOP",
        "stop",
        " Stop. ",
        "QUIT",
        "END",
        "REVOKE",
        "OPT OUT",
        "opt-out",
        "CANCEL",
        "UNSUBSCRIBE",
        "Stop texting me",
        "PARAR",
        "cancelar",
    ],
)
def test_opt_out_words(body):
    assert keywords.classify(body)[0] == keywords.STOP


@pytest.mark.parametrize("body", ["HELP", "info", "Ayuda"])
def test_help_words(body):
    assert keywords.classify(body)[0] == keywords.HELP


@pytest.mark.parametrize("body", ["YES", "y", "Sí", "si"])
def test_yes_words(body):
    assert keywords.classify(body)[0] == keywords.YES


@pytest.mark.parametrize(
    "body", ["", "When is the next event?", "the end is near for my bill", "START"]
)
def test_anything_else(body):
    assert keywords.classify(body) == (keywords.OTHER, None)


def test_spanish_keywords_answer_in_spanish():
    assert keywords.classify("AYUDA") == (keywords.HELP, "es")


@pytest.mark.django_db
def test_help_reply_has_the_ctia_content():
    reply = keywords.reply(keywords.HELP, "en")
    assert "Prairie Valley Energy" in reply
    assert "Msg & data rates may apply" in reply
    assert "msgs/mo" in reply
    assert "STOP" in reply
    assert "+1 800 555 0134" in reply


@pytest.mark.django_db
def test_spanish_help_reply():
    reply = keywords.reply(keywords.HELP, "es")
    assert reply.startswith("Alertas de Prairie Valley Energy")
    assert "STOP" in reply
