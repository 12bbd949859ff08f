from catalog.markdown import markdown_html


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
