"""The interface in the six UN languages: addresses, switcher, direction (the catalogues:
test_i18n_catalogues.py)."""

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from tests.i18n_helpers import (
    LANGUAGES,
    SEARCH_WORDS,
    SLUGS,
    TRANSLATED,
    catalogue,
    make_announcement,
    make_member,
    page_text,
    prefix,
    untranslated_strings,
)

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def site_in_every_language():
    """An announcement and a member translated into every language, with a tag."""
    member = make_member(translate=["ar", "zh-hans", "fr", "ru", "es"])
    announcement = make_announcement(translate=["ar", "zh-hans", "fr", "ru", "es"])
    announcement.tags.add("Zeta")
    announcement.members.add(member)
    return announcement


def public_pages(announcement, language):
    """One address of every public page type, in a language."""
    with translation.override(language):
        year, month = announcement.publish_at.year, announcement.publish_at.month
        return {
            "home": reverse("home"),
            "news list": reverse("announcements:list"),
            "announcement": announcement.get_absolute_url(),
            "tag": reverse("announcements:tag", kwargs={"slug": "zeta"}),
            "year archive": reverse("announcements:archive_year", kwargs={"year": year}),
            "month archive": reverse(
                "announcements:archive_month", kwargs={"year": year, "month": month}
            ),
            "search": reverse("search") + "?" + urlencode({"q": SEARCH_WORDS[language]}),
            "directory": reverse("members:directory"),
            "member": reverse("members:detail", kwargs={"slug": "zeta-ministry"}),
            "open data": reverse("open_data"),
        }


# Addresses ---------------------------------------------------------------------


def test_every_public_address_carries_its_language(client, site_in_every_language):
    for language in LANGUAGES:
        for name, url in public_pages(site_in_every_language, language).items():
            if language == "en":
                assert not any(url.startswith(f"/{code}/") for code in LANGUAGES), (name, url)
            else:
                assert url.startswith(f"/{language}/"), (name, url)
            response = client.get(url)
            assert response.status_code == 200, (language, name, url)
            assert f'<html lang="{language}"' in response.text


BROWSER = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_a_browser_preferring_another_language_is_sent_to_it(client):
    response = client.get("/news/", HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9, en;q=0.8", **BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "/fr/news/"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9", **BROWSER)["Location"] == (
        "/zh-hans/"
    )
    assert client.get("/members/", HTTP_ACCEPT_LANGUAGE="ar-EG", **BROWSER)["Location"] == (
        "/ar/members/"
    )
    search = client.get("/search/?q=open", HTTP_ACCEPT_LANGUAGE="es", **BROWSER)
    assert search["Location"] == "/es/search/?q=open"


def test_english_or_an_unknown_language_stays_on_the_english_page(client):
    for header in ["en-GB,en;q=0.9,fr;q=0.5", "de-DE", ""]:
        response = client.get("/news/", HTTP_ACCEPT_LANGUAGE=header, **BROWSER)
        assert response.status_code == 200, header
        assert '<html lang="en" dir="ltr">' in response.text
        assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_feed_readers_sitemaps_and_admin_are_never_redirected(client):
    headers = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    feed = client.get("/news/feed/rss/", HTTP_ACCEPT="application/rss+xml", **headers)
    assert feed.status_code == 200
    assert "<language>en</language>" in feed.text
    assert client.get("/sitemap.xml", **headers, **BROWSER).status_code == 200
    assert client.get("/robots.txt", **headers, **BROWSER).status_code == 200
    assert client.get("/admin/login/", **headers, **BROWSER).status_code == 200


def test_a_chosen_language_wins_over_the_browsers(client):
    # The visitor picks English on a French page: English pages stay English for them.
    response = client.get("/language/en/?next=/fr/news/", **BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "/news/"
    assert client.cookies["django_language"].value == "en"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    english = client.get("/news/", HTTP_ACCEPT_LANGUAGE="fr", **BROWSER)
    assert english.status_code == 200
    # Choosing Russian sends later English addresses to Russian ones.
    assert client.get("/language/ru/?next=/news/", **BROWSER)["Location"] == "/ru/news/"
    assert client.get("/members/", HTTP_ACCEPT_LANGUAGE="en", **BROWSER)["Location"] == (
        "/ru/members/"
    )


def test_choosing_a_language_never_leaves_the_site(client):
    assert client.get("/language/fr/?next=https://evil.example/")["Location"] == "/fr/"
    assert client.get("/language/fr/?next=//evil.example/")["Location"] == "/fr/"
    assert client.get("/language/xx/?next=/fr/news/")["Location"] == "/news/"
    assert client.post("/language/fr/").status_code == 405


def test_the_admin_speaks_the_chosen_or_preferred_language(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123-secret")
    client.force_login(user)
    make_announcement(translate=["fr"])
    changelist = "/admin/announcements/announcementtranslation/"
    html = client.get(changelist, HTTP_ACCEPT_LANGUAGE="fr", **BROWSER).text
    assert '<html lang="fr"' in html
    assert "à jour par rapport à l’original" in html  # the site's own filter, translated
    client.cookies["django_language"] = "ar"
    html = client.get(changelist, HTTP_ACCEPT_LANGUAGE="fr", **BROWSER).text
    assert '<html lang="ar" dir="rtl"' in html
    assert "مطابقة للنص الأصلي" in html
    assert "Mark as up to date" not in html
    assert "وضع علامة «محدَّثة»" in html


def test_a_language_page_does_not_vary_by_accept_language(client):
    response = client.get("/fr/news/", HTTP_ACCEPT_LANGUAGE="ru", **BROWSER)
    assert response.status_code == 200
    assert '<html lang="fr"' in response.text
    assert "Accept-Language" not in response.get("Vary", "")


def test_admin_sitemap_and_robots_have_one_address(client):
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/fr/admin/login/").status_code == 404
    assert "Disallow: /language/" in client.get("/robots.txt").text


def test_unknown_language_prefix_is_not_found(client):
    assert client.get("/de/news/").status_code == 404
    english = client.get("/en/news/?page=2")
    assert english.status_code == 301
    assert english["Location"] == "/news/?page=2"


# Direction and formats -----------------------------------------------------------


def test_arabic_pages_are_right_to_left_and_others_left_to_right(client, site_in_every_language):
    for language in LANGUAGES:
        for name, url in public_pages(site_in_every_language, language).items():
            html = client.get(url).text
            expected = "rtl" if language == "ar" else "ltr"
            assert f'<html lang="{language}" dir="{expected}">' in html, (language, name)


def test_dates_follow_the_language(client, site_in_every_language):
    announcement = site_in_every_language
    when = announcement.publish_at
    month_fr = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                "septembre", "octobre", "novembre", "décembre"][when.month - 1]  # fmt: skip
    with translation.override("fr"):
        html = client.get(announcement.get_absolute_url()).text
    assert f"{when.day} {month_fr} {when.year}" in html
    with translation.override("zh-hans"):
        html = client.get(announcement.get_absolute_url()).text
    assert f"{when.year}年{when.month}月{when.day}日" in html
    with translation.override("en"):
        html = client.get(announcement.get_absolute_url()).text
    assert f"{when.day} {when.strftime('%B')} {when.year}" in html


def test_the_stylesheet_uses_logical_properties_only():
    """No physical left/right rule: one stylesheet serves both directions."""
    css = (BASE_DIR / "dpga/static/css/site.css").read_text()
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"(margin|padding|border|inset)-(left|right)", rules)
    assert not re.search(r"\b(left|right)\s*:", rules)
    assert not re.search(r"(float|text-align|clear)\s*:\s*(left|right)", rules)
    # Four-value shorthands would be physical (top right bottom left).
    for value in re.findall(r"(?:margin|padding)\s*:\s*([^;}]+)", rules):
        assert len(value.split()) <= 2, value


# The switcher ----------------------------------------------------------------------


def switcher_targets(html):
    """{language: the page its switcher link leads to} on a page."""
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group()
    targets = {}
    for href, language in re.findall(r'<a href="([^"]+)" lang="([^"]+)"', switcher):
        href = href.replace("&amp;", "&")
        assert urlsplit(href).path == f"/language/{language}/"
        targets[language] = parse_qs(urlsplit(href).query)["next"][0]
    return targets


def test_the_switcher_keeps_the_page_in_every_language(client, site_in_every_language):
    announcement = site_in_every_language
    for language in LANGUAGES:
        for name, url in public_pages(announcement, language).items():
            html = client.get(url).text
            targets = switcher_targets(html)
            assert list(targets) == LANGUAGES
            for other in LANGUAGES:
                expected = public_pages(announcement, other)[name]
                if name == "search":  # the query is kept as typed
                    expected = expected.split("?")[0] + "?" + url.split("?")[1]
                assert targets[other] == expected, (language, name, other)
            assert (
                f'lang="{language}" hreflang="{language}" rel="nofollow" aria-current="true"'
                in html
            )


def test_following_the_switcher_shows_the_same_page_in_the_other_language(client):
    announcement = make_announcement(translate=["ar"])
    targets = switcher_targets(client.get(announcement.get_absolute_url()).text)
    response = client.get(
        "/language/ar/?" + urlencode({"next": targets["ar"]}), follow=True, **BROWSER
    )
    assert response.redirect_chain[-1][0] == f"/ar/news/{quote(SLUGS['ar'])}/"
    assert '<html lang="ar" dir="rtl">' in response.text


def test_the_switcher_keeps_page_and_query(client, site_in_every_language):
    for n in range(12):
        make_announcement(slug=f"filler-{n}", title=f"Filler {n}", days_ago=10 + n)
    targets = switcher_targets(client.get("/fr/news/?page=2").text)
    assert targets["ar"] == "/ar/news/?page=2"
    assert targets["en"] == "/news/?page=2"


def test_the_switcher_links_each_language_by_its_own_slug(client, site_in_every_language):
    targets = switcher_targets(client.get(f"/fr/news/{SLUGS['fr']}/").text)
    assert targets["es"] == f"/es/news/{SLUGS['es']}/"
    assert targets["en"] == f"/news/{SLUGS['en']}/"


def test_the_error_page_speaks_the_language(rf):
    from django.template.loader import render_to_string

    with translation.override("ar"):
        html = render_to_string("500.html")
    assert '<html lang="ar" dir="rtl">' in html
    assert "حدث خطأ ما" in html


def test_the_switcher_names_each_language_in_itself(client):
    html = client.get("/").text
    for name in ["العربيّة", "简体中文", "English", "français", "Русский", "español"]:
        assert name in html


def test_the_switcher_on_a_missing_page_leads_to_each_home(client):
    response = client.get("/fr/no-such-section/")
    assert response.status_code == 404
    assert switcher_targets(response.text)["ar"] == "/ar/"


def test_the_switcher_on_a_missing_sitemap_page_is_a_404_not_a_500(client):
    # The sitemap's route is given a dict (its sitemaps): its 404 page still has a switcher.
    response = client.get("/sitemap-news.xml?p=0")
    assert response.status_code == 404
    assert switcher_targets(response.text)["fr"].startswith("/")


# hreflang --------------------------------------------------------------------------


def test_list_pages_list_every_language_and_x_default(client):
    html = client.get("/ru/news/").text
    for language in LANGUAGES:
        href = f"http://testserver{prefix(language)}/news/"
        assert f'<link rel="alternate" hreflang="{language}" href="{href}">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/news/">' in html


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_public_page_type_shows_no_untranslated_string(
    client, site_in_every_language, language
):
    po = catalogue(language)
    pages = public_pages(site_in_every_language, language)
    pages["not found"] = f"/{language}/news/2001/01/"
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not found" else 200), (name, url)
        text = page_text(response.text)
        assert untranslated_strings(text, po) == [], (language, name)


def test_the_untranslated_check_notices_english(client, site_in_every_language):
    """The check above can fail: an English page has the catalogue's strings."""
    text = page_text(client.get("/news/").text)
    assert "Skip to main content" in untranslated_strings(text, catalogue("fr"))
