"""Live Markdown preview in the admin: server-rendered, sanitised, staff only, no inline script."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from dpga.rendering import render_markdown

from .editorial import editor, logged_in, make_announcement, make_member, make_user

pytestmark = pytest.mark.django_db
ANNOUNCEMENT_PREVIEW = "/admin/announcements/announcement/markdown-preview/"
MEMBER_PREVIEW = "/admin/members/member/markdown-preview/"
NASTY = (
    "# Title\n\n[click](javascript:alert(1)) <script>alert(2)</script> <img src=x onerror=alert(3)>"
)


def test_the_preview_is_the_public_rendering_with_the_same_sanitiser():
    response = logged_in(editor()).post(ANNOUNCEMENT_PREVIEW, {"text": NASTY})
    assert response.status_code == 200
    html = response.json()["html"]
    assert html == render_markdown(NASTY)
    assert "<h2>Title</h2>" in html
    assert "javascript:" not in html and "<script" not in html and "onerror" not in html


def test_member_descriptions_have_the_preview_too():
    response = logged_in(editor()).post(MEMBER_PREVIEW, {"text": "*open* source"})
    assert response.json()["html"] == "<p><em>open</em> source</p>"


def test_the_preview_endpoint_is_staff_only_post_only_and_bounded():
    assert Client().post(ANNOUNCEMENT_PREVIEW, {"text": "x"}).status_code == 302  # login
    no_rights = logged_in(make_user("visitor"))
    assert no_rights.post(ANNOUNCEMENT_PREVIEW, {"text": "x"}).status_code == 403
    client = logged_in(editor())
    assert client.get(ANNOUNCEMENT_PREVIEW).status_code == 405
    assert client.post(ANNOUNCEMENT_PREVIEW, {"text": "x" * 200_001}).status_code == 400


def test_the_preview_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor())
    assert client.post(ANNOUNCEMENT_PREVIEW, {"text": "x"}).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/admin/announcements/announcement/add/",
        "/admin/members/member/add/",
    ],
)
def test_editor_pages_load_the_script_from_a_static_file(url):
    page = logged_in(editor()).get(url).content.decode()
    assert re.search(r'<script src="/static/editorial/admin-editor\.js"', page)
    assert "data-markdown-preview=" in page
    inline = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", page)
        if "src=" not in tag and "application/json" not in tag
    ]
    assert inline == [], "no inline script: the admin runs under a strict CSP"


def test_the_script_and_styles_exist_and_the_public_site_runs_no_script():
    assert finders.find("editorial/admin-editor.js")
    assert finders.find("editorial/admin-editor.css")
    announcement = make_announcement(status="published")
    member = make_member()
    for url in ("/", announcement.get_absolute_url(), member.get_absolute_url()):
        page = Client().get(url).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert all('type="application/ld+json"' in tag for tag in scripts), scripts
