"""Sharing and search engines: canonical URL, meta description, Open Graph and Twitter
tags, schema.org JSON-LD and the sitemap, as crawlers and social networks read them."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from dpga import seo
from members.models import Member

from .factories import image_bytes, make_announcement, make_member
from .sitemap_helpers import SITEMAP, sitemap_entries

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# The schema.org properties this site may use, per type (from schema.org's definitions;
# a property outside these is a typo or an invented one).
THING = {"@id", "@type", "name", "url", "description", "image", "sameAs", "alternateName"}
SCHEMA = {
    "Organization": THING | {"logo", "memberOf", "address", "member"},
    "NewsArticle": THING
    | {"mainEntityOfPage", "headline", "datePublished", "dateModified", "author", "publisher"}
    | {"inLanguage", "keywords", "about"},
    "WebSite": THING | {"publisher", "potentialAction"},
    "SearchAction": {"@type", "target", "query-input"},
    "EntryPoint": {"@type", "urlTemplate"},
    "BreadcrumbList": {"@type", "itemListElement"},
    "ListItem": {"@type", "position", "name", "item"},
    "ImageObject": {"@type", "url", "width", "height", "caption"},
    "Person": {"@type", "name"},
    "PostalAddress": {"@type", "addressCountry"},
}
REQUIRED = {
    "NewsArticle": {"headline", "datePublished", "dateModified", "image", "author", "publisher"},
    "Organization": {"name"},
    "BreadcrumbList": {"itemListElement"},
    "ListItem": {"position", "name", "item"},
}


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links, self.ld, self._in_ld = {}, {}, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.links["canonical"] = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_data(self, data):
        if self._in_ld:
            self.ld.append(json.loads(data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False


def read(client, url):
    response = client.get(url)
    reader = HeadReader()
    reader.feed(response.content.decode())
    return response, reader


def nodes(documents):
    """Every schema.org node in the page's JSON-LD documents, nested ones included."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            if "@type" in value:
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for document in documents:
        assert document["@context"] == "https://schema.org"
        walk(document["@graph"])
    return found


def check_schema(node):
    kind = node["@type"]
    assert kind in SCHEMA, f"unexpected type {kind}"
    unknown = set(node) - SCHEMA[kind]
    assert not unknown, f"{kind} has properties schema.org does not define for it: {unknown}"
    reference = set(node) <= {"@type", "@id", "name"}
    if not reference:
        missing = REQUIRED.get(kind, set()) - set(node)
        assert not missing, f"{kind} lacks {missing}"


@pytest.fixture
def site():
    who = make_member(
        slug="who",
        name="World Health Organization",
        short_name="WHO",
        website="https://www.who.int/",
        category=Member.Category.UN_ENTITY,
    )
    who.picture.save("who.png", ContentFile(image_bytes(size=(64, 64))))
    author = get_user_model().objects.create(username="ana", first_name="Ana", last_name="Editor")
    pictured = make_announcement(
        slug="pictured",
        title="A pictured announcement",
        summary="With a picture.",
        tags=["Health"],
        members=[who],
        author=author,
        picture_alt="A red rectangle.",
        publish_at=timezone.now() - timezone.timedelta(days=1),
    )
    pictured.picture.save("red.jpg", ContentFile(image_bytes("JPEG", size=(1200, 630))))
    plain = make_announcement(slug="plain", title="A plain announcement", tags=["Health"])
    return {"who": who, "pictured": pictured, "plain": plain}


def public_urls():
    day = timezone.localdate() - timezone.timedelta(days=1)
    return [
        "/",
        "/news/",
        "/news/pictured/",
        "/news/plain/",
        "/news/tags/health/",
        f"/news/{day.year}/",
        f"/news/{day.year}/{day.month:02d}/",
        "/search/?q=announcement",
        "/members/",
        "/members/who/",
        "/open-data/",
    ]


@pytest.mark.parametrize("url", public_urls())
def test_every_page_has_canonical_description_and_share_tags(client, site, url):
    response, page = read(client, url)
    assert response.status_code == 200
    path = url.split("?")[0]
    assert page.links["canonical"] == f"http://testserver{path}"
    assert page.meta["og:url"] == [page.links["canonical"]]
    assert page.meta["description"][0].strip()
    for key in ("og:title", "og:description", "og:type", "og:site_name", "og:image"):
        assert page.meta[key][0], key
    assert page.meta["og:image"][0].startswith("http://testserver/")
    assert page.meta["og:image:alt"][0]
    assert page.meta["twitter:card"][0] in {"summary", "summary_large_image"}
    assert page.meta["twitter:title"] == page.meta["og:title"]
    assert page.meta["twitter:image"] == page.meta["og:image"]
    for node in nodes(page.ld):
        check_schema(node)


def test_an_announcement_shares_its_picture_with_size_alt_and_dates(client, site):
    _, page = read(client, "/news/pictured/")
    pictured = site["pictured"]
    assert page.meta["og:type"] == ["article"]
    assert page.meta["og:title"] == ["A pictured announcement"]
    assert page.meta["og:description"] == ["With a picture."]
    card = pictured.picture_renditions["card"]["name"]  # the picture cropped to 1200×630
    assert page.meta["og:image"] == [f"http://testserver{settings.MEDIA_URL}{card}"]
    assert page.meta["og:image:width"] == ["1200"] and page.meta["og:image:height"] == ["630"]
    assert page.meta["og:image:type"] == ["image/jpeg"]
    assert page.meta["og:image:alt"] == ["A red rectangle."]
    assert page.meta["twitter:card"] == ["summary_large_image"]
    assert page.meta["article:published_time"] == [seo.w3c_datetime(pictured.publish_at)]
    assert page.meta["article:modified_time"] == [seo.w3c_datetime(pictured.updated_at)]
    assert page.meta["article:tag"] == ["Health"]


def test_without_a_picture_the_title_card_is_shared_and_it_is_the_size_announced(client, site):
    _, page = read(client, "/news/plain/")
    name = site["plain"].picture_renditions["card"]["name"]
    assert page.meta["og:image"] == [f"http://testserver{settings.MEDIA_URL}{name}"]
    with default_storage.open(name) as handle, Image.open(handle) as card:
        assert [str(card.width), str(card.height)] == (
            page.meta["og:image:width"] + page.meta["og:image:height"]
        )
    with Image.open(ROOT / "dpga/static/img/share-card.png") as card:
        assert card.size == (seo.SITE_SHARE_CARD["width"], seo.SITE_SHARE_CARD["height"])
    with Image.open(ROOT / "dpga/static/img/logo.png") as logo:
        assert logo.size == (seo.SITE_LOGO["width"], seo.SITE_LOGO["height"])


def test_news_article_json_ld(client, site):
    _, page = read(client, "/news/pictured/")
    article = next(n for n in nodes(page.ld) if n["@type"] == "NewsArticle")
    pictured = site["pictured"]
    assert article["headline"] == "A pictured announcement"
    assert article["mainEntityOfPage"] == "http://testserver/news/pictured/"
    assert article["datePublished"] == seo.w3c_datetime(pictured.publish_at)
    assert article["image"][0]["url"] == f"http://testserver{pictured.picture.url}"
    assert article["image"][0]["width"] == 1200
    assert article["author"] == [{"@type": "Person", "name": "Ana Editor"}]
    assert article["publisher"]["name"] == "Digital Public Goods Alliance"
    assert article["publisher"]["logo"]["url"] == "http://testserver/static/img/logo.png"
    assert article["keywords"] == ["Health"]
    assert article["about"][0]["@id"] == "http://testserver/members/who/#organization"


def test_without_a_named_author_the_alliance_is_the_author(client, site):
    _, page = read(client, "/news/plain/")
    article = next(n for n in nodes(page.ld) if n["@type"] == "NewsArticle")
    assert article["author"][0]["@type"] == "Organization"
    assert article["author"][0]["@id"] == article["publisher"]["@id"]


def test_organizations_for_the_alliance_and_for_a_member(client, site):
    _, home = read(client, "/")
    alliance = next(n for n in nodes(home.ld) if n["@type"] == "Organization")
    assert alliance["url"] == "http://testserver/" and alliance["logo"]["width"] == 512
    website = next(n for n in nodes(home.ld) if n["@type"] == "WebSite")
    assert website["potentialAction"]["target"]["urlTemplate"] == (
        "http://testserver/search/?q={search_term_string}"
    )
    _, profile = read(client, "/members/who/")
    member = next(n for n in nodes(profile.ld) if n["@type"] == "Organization")
    assert member["name"] == "World Health Organization"
    assert member["alternateName"] == "WHO"
    assert member["sameAs"] == ["https://www.who.int/"]
    assert member["logo"] == f"http://testserver{site['who'].picture.url}"
    assert member["memberOf"] == {"@id": alliance["@id"]}


def test_inner_pages_have_a_breadcrumb_trail_that_matches_the_visible_one(client, site):
    response, page = read(client, "/news/pictured/")
    trail = next(n for n in nodes(page.ld) if n["@type"] == "BreadcrumbList")
    assert [(i["position"], i["name"], i["item"]) for i in trail["itemListElement"]] == [
        (1, "Home", "http://testserver/"),
        (2, "News", "http://testserver/news/"),
        (3, "A pictured announcement", "http://testserver/news/pictured/"),
    ]
    html = response.content.decode()
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<span aria-current="page">A pictured announcement</span>' in html
    _, home = read(client, "/")
    assert "BreadcrumbList" not in {n["@type"] for n in nodes(home.ld)}
    _, month = read(client, public_urls()[6])
    trail = next(n for n in nodes(month.ld) if n["@type"] == "BreadcrumbList")
    assert [i["name"] for i in trail["itemListElement"]][:2] == ["Home", "News"]
    assert len(trail["itemListElement"]) == 4


def test_json_ld_cannot_be_broken_out_of_by_editor_text(client):
    make_announcement(slug="evil", title="</script><script>alert(1)</script><!--", summary="a & b")
    html = client.get("/news/evil/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert blocks and all("<" not in block and ">" not in block for block in blocks)
    article = next(n for n in nodes([json.loads(b) for b in blocks]) if n["@type"] == "NewsArticle")
    assert article["headline"] == "</script><script>alert(1)</script><!--"
    assert "<script>alert(1)" not in html


def test_later_pages_of_a_list_are_their_own_canonical_page(client):
    for n in range(12):
        make_announcement(slug=f"item-{n}")
    _, page = read(client, "/news/?page=2")
    assert page.links["canonical"] == "http://testserver/news/?page=2"
    _, first = read(client, "/news/?page=1")
    assert first.links["canonical"] == "http://testserver/news/"


def test_the_404_page_is_not_indexed_and_names_no_canonical(client):
    response, page = read(client, "/no-such-page/")
    assert response.status_code == 404
    assert page.meta["robots"] == ["noindex"]
    assert "canonical" not in page.links and "og:url" not in page.meta


IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_sitemap_has_lastmod_and_image_entries(client, site):
    urls = sitemap_entries(client)
    pictured = urls["http://testserver/news/pictured/"]
    assert pictured.findtext("s:lastmod", namespaces=SITEMAP) == seo.w3c_datetime(
        max(site["pictured"].updated_at, site["pictured"].publish_at)
    )
    images = [e.findtext(f"{IMAGE}loc") for e in pictured.iter(f"{IMAGE}image")]
    assert images == [f"http://testserver{site['pictured'].picture.url}"]
    assert not list(urls["http://testserver/news/plain/"].iter(f"{IMAGE}image"))
    logo = urls["http://testserver/members/who/"].find(f"{IMAGE}image")
    assert logo.findtext(f"{IMAGE}loc") == f"http://testserver{site['who'].picture.url}"
    home = urls["http://testserver/"]
    assert home.findtext("s:lastmod", namespaces=SITEMAP)
    assert "http://testserver/open-data/" in urls
    hreflangs = {link.get("hreflang") for link in home.iter(f"{XHTML}link")}
    assert hreflangs == {"ar", "zh-hans", "en", "fr", "ru", "es", "x-default"}


@override_settings(LANGUAGES=[("en", "English"), ("fr", "French")])
def test_sitemap_lists_language_alternates_when_the_site_has_languages(client, site):
    # An announcement lists the languages its text exists in (tests/test_i18n_content.py).
    site["pictured"].translations.create(
        language="fr", title="Illustrée", slug="illustree", summary="Résumé."
    )
    urls = sitemap_entries(client)
    pictured = next(url for loc, url in urls.items() if loc.endswith("/news/pictured/"))
    hreflangs = {link.get("hreflang") for link in pictured.iter(f"{XHTML}link")}
    assert hreflangs == {"en", "fr", "x-default"}
