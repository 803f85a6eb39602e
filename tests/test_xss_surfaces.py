"""Every editor field, filled with each payload of a public XSS corpus through the
admin's own forms, and every surface checked with real parsers: public pages, feeds,
open-data files, the sitemap, the admin's change lists and forms."""

import csv
import io
import json

import html5lib
import pytest
from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from taggit.models import Tag

from announcements import feed_documents
from announcements.models import Announcement
from members.models import Member

from .factories import image_upload, make_user
from .markup_safety import html_problems, json_feed_problems, load_payloads, xml_problems
from .sitemap_helpers import sitemap_pages

pytestmark = pytest.mark.django_db

PAYLOADS = load_payloads()

# Values for the website field: only http/https are accepted; what is accepted is escaped.
WEBSITE_PAYLOADS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    " javascript:alert(1)",
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/' onmouseover='alert(1)",
    "https://example.org/?q=<img src=x onerror=alert(1)>",
    'http://example.org/#" autofocus onfocus="alert(1)',
    "https://example.org/%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
]


def test_the_corpus_is_big_and_varied():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    assert any("javascript:" in p.lower() for p in PAYLOADS)
    assert any("onerror" in p.lower() for p in PAYLOADS)
    assert any(p.startswith("[") and "](" in p for p in PAYLOADS)  # Markdown links
    assert any("\x00" in p for p in PAYLOADS)


def _one_line(payload):
    """What a one-line text box sends: tabs and line breaks become spaces (a field of one
    line refuses them; Markdown fields get the payload as it is)."""
    return payload.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _member_form(index, payload, website):
    line = _one_line(payload)
    return {
        "name": line[:200],
        "short_name": line[:40],
        "slug": f"xss-member-{index}",
        "category": Member.Category.COMPANY,
        "is_board_member": "on" if index % 2 else "",
        "website": website,
        "country": line[:100],
        "description": payload,
        "joined_on": "2024-01-01",
        "left_on": "",
    }


def _announcement_form(index, payload, member_pk):
    now = timezone.localtime()
    line = _one_line(payload)
    return {
        "title": line[:200],
        "slug": f"xss-{index}",
        "summary": line[:300],
        "body": f"Before.\n\n{payload}\n\nAfter [a link](https://example.org/{index}).",
        "picture": image_upload(f"p{index}.png"),
        "picture_alt": line[:250],
        "tags": line[:90],
        "members": [member_pk] if member_pk else [],
        "status": Announcement.Status.PUBLISHED,
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": now.strftime("%H:%M:%S"),
        "featured": "on" if index % 10 == 0 else "",
    }


def _save_through_admin(model, data, user):
    """Validate and save with the admin's own form and hooks, as its add view does."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().post("/")
    request.user = user
    request._messages = CookieStorage(request)  # the admin tells editors what happened
    files = {"picture": data.pop("picture")} if "picture" in data else {}
    form = model_admin.get_form(request)(data, files)
    if not form.is_valid():
        return form.errors
    obj = form.save(commit=False)
    model_admin.save_model(request, obj, form, change=False)
    model_admin.save_related(request, form, [], change=False)
    return None


@pytest.fixture(scope="module")
def hostile_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """Editors' worst: every payload in every field, saved through the admin's forms.

    Built once for the module (it is a few hundred saves) and removed afterwards.
    """
    media = tmp_path_factory.mktemp("xss-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        user = make_user("xss-root", superuser=True)
        refused = []
        for index, payload in enumerate(PAYLOADS):
            website = WEBSITE_PAYLOADS[index % len(WEBSITE_PAYLOADS)]
            errors = _save_through_admin(Member, _member_form(index, payload, website), user)
            if errors and set(errors) - {"website"}:
                refused.append(("member", payload, errors))
            elif errors:  # refused only for its website: saved again without one
                assert _save_through_admin(Member, _member_form(index, payload, ""), user) is None
            member = Member.objects.filter(slug=f"xss-member-{index}").first()
            data = _announcement_form(index, payload, member.pk if member else None)
            errors = _save_through_admin(Announcement, data, user)
            if errors:
                refused.append(("announcement", payload, errors))
        yield refused
        Announcement.objects.all().delete()
        Member.objects.all().delete()
        Tag.objects.all().delete()
        # Their revisions too: a later test may get the same primary keys.
        Announcement.history.all().delete()
        Member.history.all().delete()
        user.delete()


@pytest.fixture
def staff_client(client, hostile_site):
    client.force_login(make_user("root", superuser=True))
    return client


def _collect(client, url, problems, kind="html"):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    content = response.content.decode()
    if kind == "html":
        problems += html_problems(content, url)
    elif kind == "xml":
        problems += xml_problems(response.content, url)
    elif kind == "json":
        problems += json_feed_problems(content, url)
    return content


def _optional_reverse(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _strings(value, key=""):
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


def _feed_urls(route, **kwargs):
    """The feed in every format the site offers (RSS, Atom and JSON Feed where present)."""
    urls = []
    for fmt, kind in (("rss", "xml"), ("atom", "xml"), ("json", "json")):
        url = _optional_reverse(route, format=fmt, **kwargs)
        if url:
            urls.append((url, kind))
    return urls


def test_everything_is_stored_except_what_a_form_rightly_refuses(hostile_site):
    refused = hostile_site
    # Almost everything is accepted (and made harmless); only what a form rightly
    # refuses (NUL characters, say, or a picture from another site, which the page would
    # not show) is not stored. Refusals are a clear form error.
    stored = Announcement.objects.count()
    assert stored >= len(PAYLOADS) - 5, refused
    assert Member.objects.count() >= len(PAYLOADS) - 5, refused
    # Published, so every public surface (lists, feeds, sitemap) carries them.
    assert Announcement.objects.published().count() == stored
    for _kind, payload, errors in refused:
        messages = [
            message
            for field, field_errors in errors.items()
            if field != "website"  # websites get payloads of their own, often refused
            for message in field_errors
        ]
        other_site_picture = all("is on another site" in message for message in messages)
        assert "\x00" in payload or other_site_picture, refused


def _report(problems):
    return "\n".join(sorted(set(problems))[:60])


def test_public_pages_run_no_editor_script(staff_client):
    client = staff_client
    stored = Announcement.objects.count()
    problems = []
    pages = ["/", "/members/", "/news/", f"/news/{timezone.now().year}/"]
    pages += [f"/news/?page={n}" for n in range(2, stored // 10 + 2)]
    pages += [f"/search/?q={word}" for word in ("script", "alert", "onerror", "javascript")]
    pages += [a.get_absolute_url() for a in Announcement.objects.all()]
    pages += [m.get_absolute_url() for m in Member.objects.listed()]
    # Tag pages show the same cards as the lists; a sample of them (and every tag name).
    pages += [reverse("announcements:tag", kwargs={"slug": t.slug}) for t in Tag.objects.all()[::5]]
    for url in pages:
        _collect(client, url, problems)
    assert not problems, _report(problems)


def test_feeds_sitemap_and_open_data_carry_no_script(staff_client, monkeypatch):
    client = staff_client
    monkeypatch.setattr(feed_documents, "FEED_SIZE", 10_000)
    problems = []
    # Feeds in every format: all news (every item), and each tag's and member's.
    for url, kind in _feed_urls("feeds:news"):
        _collect(client, url, problems, kind)
    for tag in Tag.objects.all()[::8]:
        for url, kind in _feed_urls("feeds:tag", slug=tag.slug):
            _collect(client, url, problems, kind)
    for member in Member.objects.listed().filter(announcements__isnull=False)[::8]:
        for url, kind in _feed_urls("feeds:member", slug=member.slug):
            _collect(client, url, problems, kind)

    # Open data: JSON parses, every string stays data; no CSV cell can start a formula.
    members_json = _optional_reverse("members_json")
    if members_json:
        document = json.loads(client.get(members_json).content)
        assert len(str(document)) > 1000
        for key, value in _strings(document):
            if key.endswith("_html"):
                problems += html_problems(value, f"{members_json} {key}", fragment=True)
    members_csv = _optional_reverse("members_csv")
    if members_csv:
        rows = list(csv.reader(io.StringIO(client.get(members_csv).content.decode("utf-8-sig"))))
        assert len(rows) > len(PAYLOADS) / 2
        for row in rows:
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    problems.append(f"{members_csv}: cell starts a formula: {cell[:40]!r}")
    open_data_page = _optional_reverse("open_data")
    if open_data_page:
        _collect(client, open_data_page, problems)

    for page in ["/sitemap.xml", *sitemap_pages(client)]:
        _collect(client, page, problems, "xml")
    assert not problems, _report(problems)


def test_admin_lists_and_forms_run_no_editor_script(staff_client):
    client = staff_client
    stored = Announcement.objects.count()
    problems = []
    # Admin: change lists (every page) and change forms.
    for changelist in (
        "/admin/announcements/announcement/",
        "/admin/members/member/",
        "/admin/taggit/tag/",
    ):
        for page in range(0, stored // 100 + 1):
            _collect(client, f"{changelist}?p={page + 1}", problems)
    for announcement in Announcement.objects.all()[::6]:
        _collect(client, f"/admin/announcements/announcement/{announcement.pk}/change/", problems)
    for member in Member.objects.all()[::6]:
        _collect(client, f"/admin/members/member/{member.pk}/change/", problems)
    autocomplete = client.get(
        "/admin/autocomplete/",
        {
            "term": "script",
            "app_label": "announcements",
            "model_name": "announcement",
            "field_name": "members",
        },
    )
    assert autocomplete.status_code == 200
    assert autocomplete["Content-Type"] == "application/json"

    assert not problems, _report(problems)


def test_external_links_open_safely(staff_client):
    """Links off the site (member websites, links in bodies, the licence) get noopener noreferrer."""
    client = staff_client
    pages = [m.get_absolute_url() for m in Member.objects.exclude(website="")]
    pages += [a.get_absolute_url() for a in Announcement.objects.all()[:20]]
    pages += [url for url in (_optional_reverse("open_data"),) if url]
    checked = 0
    for url in pages:
        root = html5lib.parse(client.get(url).content.decode(), namespaceHTMLElements=False)
        for anchor in root.iter("a"):
            href = anchor.get("href", "")
            if href.startswith(("http://", "https://")) and "//testserver" not in href:
                rel = anchor.get("rel", "").split()
                assert "noopener" in rel and "noreferrer" in rel, (url, anchor.attrib)
                checked += 1
    assert checked >= 20
    for member in Member.objects.exclude(website=""):
        assert member.website.startswith(("https://", "http://"))
