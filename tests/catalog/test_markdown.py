from portal.markdown import markdown_html


def test_markdown_keeps_formatting_and_drops_anything_active():
    html = markdown_html(
        "# Title\n\n**bold** <img src=x onerror=alert(1)> <a href='javascript:x'>a</a>"
        "\n\n[ok](https://example.com)"
    )
    assert "<h3>Title</h3>" in html
    assert "<strong>bold</strong>" in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "javascript" not in html
    assert 'href="https://example.com"' in html
    assert markdown_html("") == ""


def test_no_heading_above_the_top_level_survives_even_as_html():
    html = markdown_html("## Section\n\n<h1>raw</h1>")
    assert "<h3>Section</h3>" in html
    assert "<h1" not in html
    assert "<h2" not in html
    assert "<h2>Sub</h2>" in markdown_html("## Sub", top_level=2)
