"""Editor Markdown becomes safe HTML: scripts, event handlers and javascript: links never survive."""

import pytest

from dpga.rendering import render_markdown

from .factories import make_announcement, make_member

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onclick="alert(1)">x</div>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markup_is_neutralised(text):
    html = render_markdown(text).lower()
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onload" not in html and "onclick" not in html
    assert "<iframe" not in html and "<svg" not in html
    assert "data:text/html" not in html
    assert "style=" not in html


def test_ordinary_markdown_survives():
    html = render_markdown("## Plan\n\n* **bold** and [a link](https://example.org)\n\n> quote")
    assert "<h2>Plan</h2>" in html  # body headings start at h2: the page's h1 is the title
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html
    assert "<blockquote>" in html


def test_a_level_one_heading_in_the_body_never_makes_a_second_h1():
    assert "<h1" not in render_markdown("# Heading\n\n<h1>raw</h1>")


@pytest.mark.django_db
def test_body_is_rendered_once_on_save_and_shown_cleaned(client):
    announcement = make_announcement(slug="xss", body="Hello <script>alert(1)</script> **there**")
    assert "<strong>there</strong>" in announcement.body_html
    page = client.get("/news/xss/").content.decode()
    assert "<strong>there</strong>" in page
    assert "<script>alert(1)</script>" not in page


@pytest.mark.django_db
def test_editor_text_outside_markdown_is_escaped(client):
    make_member(
        slug="evil", name='<script>alert("m")</script>', description="<img src=x onerror=alert(1)>"
    )
    make_announcement(
        slug="t", title='<script>alert("t")</script>', summary='"><b onmouseover=alert(1)>'
    )
    for url in ("/", "/news/", "/news/t/", "/members/", "/members/evil/"):
        page = client.get(url).content.decode()
        assert '<script>alert("' not in page, url
        assert "<b onmouseover" not in page, url
        assert "onerror=" not in page, url
