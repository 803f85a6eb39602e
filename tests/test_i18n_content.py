"""Translated content: per-language pages, fallback, hreflang, feeds, search (translations in\nthe admin and their out-of-date flag: test_translations_out_of_date.py)."""

import re
from urllib.parse import quote

import feedparser
import pytest
from django.urls import reverse
from django.utils import translation

from announcements.models import Announcement, AnnouncementTranslation
from tests.i18n_helpers import (
    BODIES,
    DESCRIPTIONS,
    LANGUAGES,
    SLUGS,
    TITLES,
    make_announcement,
    make_member,
    prefix,
)
from tests.sitemap_helpers import sitemap_entries, sitemap_pages

pytestmark = pytest.mark.django_db


def url(language, slug):
    return f"{prefix(language)}/news/{quote(slug)}/"


def h1(html):
    return re.search(r"<h1[^>]*>.*?</h1>", html, re.S).group()


# One page per language ----------------------------------------------------------------


def test_a_translation_has_its_own_address_and_text(client):
    make_announcement(translate=["fr", "ar"])
    for language in ["fr", "ar"]:
        response = client.get(url(language, SLUGS[language]))
        assert response.status_code == 200
        html = response.text
        direction = "rtl" if language == "ar" else "ltr"
        assert f'<h1 lang="{language}" dir="{direction}">{TITLES[language]}</h1>' in html
        assert BODIES[language] in html
        assert BODIES["en"] not in html
        assert "notice--translation" not in html


def test_another_languages_slug_redirects_to_this_languages_address(client):
    make_announcement(translate=["fr"])
    response = client.get(url("fr", SLUGS["en"]))
    assert response.status_code == 301
    assert response["Location"] == url("fr", SLUGS["fr"])
    response = client.get(url("en", SLUGS["fr"]))
    assert response.status_code == 301
    assert response["Location"] == url("en", SLUGS["en"])


def test_a_languages_own_slug_wins_over_another_announcements_original(client):
    make_announcement(slug="shared-words", title="The English original")
    other = make_announcement(slug="other-news", title="Other news", days_ago=5)
    AnnouncementTranslation.objects.create(
        announcement=other, language="fr", title="Autre nouvelle", slug="shared-words", summary="."
    )
    assert "Autre nouvelle" in h1(client.get("/fr/news/shared-words/").text)
    assert "The English original" in h1(client.get("/news/shared-words/").text)
    assert "The English original" in h1(client.get("/es/news/shared-words/").text)


def test_a_translations_old_slug_keeps_working(client):
    make_announcement(translate=["fr"])
    french = AnnouncementTranslation.objects.get()
    french.slug = "registre-ouvert-quarante-pays-et-plus"
    french.save()
    response = client.get(url("fr", SLUGS["fr"]))
    assert response.status_code == 301
    assert response["Location"] == url("fr", "registre-ouvert-quarante-pays-et-plus")


def test_unknown_slug_is_404_in_every_language(client):
    make_announcement(translate=["fr"])
    for language in LANGUAGES:
        assert client.get(f"{prefix(language)}/news/no-such-news/").status_code == 404


def test_a_drafts_translation_is_not_public(client):
    announcement = make_announcement(translate=["fr"])
    announcement.unpublish()
    announcement.save()
    assert client.get(url("fr", SLUGS["fr"])).status_code == 404
    assert client.get(url("en", SLUGS["en"])).status_code == 404
    assert TITLES["fr"] not in client.get("/fr/news/").text


def test_lists_show_each_announcement_in_the_visitors_language(client):
    make_announcement(translate=["fr"])
    html = client.get("/fr/news/").text
    assert TITLES["fr"] in html
    assert f'href="{url("fr", SLUGS["fr"])}"' in html
    assert TITLES["en"] not in html
    html = client.get("/fr/").text
    assert TITLES["fr"] in html


# Fallback -------------------------------------------------------------------------------


def test_a_missing_translation_shows_the_original_with_a_notice_and_its_language(client):
    make_announcement(translate=["fr"])
    html = client.get(url("ru", SLUGS["en"])).text
    assert '<html lang="ru" dir="ltr">' in html
    assert "Этот текст ещё не переведён на язык: русский." in html
    assert "Он показан на языке оригинала: английский." in html
    assert f'<h1 lang="en" dir="ltr">{TITLES["en"]}</h1>' in html
    assert f'<div class="prose" lang="en" dir="ltr"><p>{BODIES["en"]}</p></div>' in html
    assert re.search(r'<p class="lead" lang="en" dir="ltr">', html)


def test_untranslated_text_keeps_its_own_direction(client):
    """English on an Arabic page reads left to right; Arabic on an English page right to left."""
    make_announcement()
    arabic_page = client.get(url("ar", SLUGS["en"])).text
    assert '<html lang="ar" dir="rtl">' in arabic_page
    assert f'<div class="prose" lang="en" dir="ltr"><p>{BODIES["en"]}</p></div>' in arabic_page
    make_announcement(language="ar", slug="arabic-original", title=TITLES["ar"], body=BODIES["ar"])
    english_page = client.get(url("en", "arabic-original")).text
    assert '<html lang="en" dir="ltr">' in english_page
    assert f'<h1 lang="ar" dir="rtl">{TITLES["ar"]}</h1>' in english_page
    assert "This text has not been translated into English yet." in english_page


def test_a_list_marks_untranslated_cards_with_their_language(client):
    make_announcement()
    html = client.get("/es/news/").text
    card = re.search(r'<article class="card[^"]*" lang="en" dir="ltr">.*?</article>', html, re.S)
    assert f'<a href="{url("es", SLUGS["en"])}">{TITLES["en"]}</a>' in card.group()
    # Said in the page's language, in the page's language.
    assert '<span class="in-language" lang="es" dir="ltr">En inglés</span>' in card.group()


def test_a_member_description_is_translated_or_falls_back(client):
    make_member(translate=["fr"])
    html = client.get("/fr/members/zeta-ministry/").text
    assert f'<div class="prose" lang="fr" dir="ltr"><p>{DESCRIPTIONS["fr"]}</p></div>' in html
    assert "notice--translation" not in html
    html = client.get("/ar/members/zeta-ministry/").text
    assert f'<div class="prose" lang="en" dir="ltr"><p>{DESCRIPTIONS["en"]}</p></div>' in html
    assert "لم يُترجم هذا النص إلى العربية بعد." in html


def test_done_when_a_news_page_switched_to_arabic_and_to_russian(client):
    """The issue's scenario, as a visitor does it: from the English page, via the switcher."""
    make_announcement(translate=["ar", "fr"])
    english = client.get(url("en", SLUGS["en"])).text
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', english, re.S).group()
    links = dict(re.findall(r'<a href="([^"]+)" lang="([^"]+)"', switcher))
    by_language = {language: href.replace("&amp;", "&") for href, language in links.items()}

    arabic = client.get(by_language["ar"], follow=True)
    assert arabic.status_code == 200
    assert '<html lang="ar" dir="rtl">' in arabic.text
    assert f'<h1 lang="ar" dir="rtl">{TITLES["ar"]}</h1>' in arabic.text
    assert BODIES["ar"] in arabic.text
    assert "الانتقال إلى المحتوى الرئيسي" in arabic.text  # the interface too
    assert "notice--translation" not in arabic.text

    russian = client.get(by_language["ru"], follow=True)
    assert russian.status_code == 200
    assert '<html lang="ru" dir="ltr">' in russian.text
    assert "Перейти к основному содержанию" in russian.text
    assert f'<div class="prose" lang="en" dir="ltr"><p>{BODIES["en"]}</p></div>' in russian.text
    assert "Этот текст ещё не переведён" in russian.text


def test_each_item_is_shown_in_the_language_asked_for_or_marked_as_a_fallback():
    make_announcement(translate=["fr", "es"])
    published = Announcement.objects.published()
    with translation.override("fr"):
        assert published.shown()[0].title == TITLES["fr"]
    assert published.shown("es")[0].title == TITLES["es"]
    assert published.shown("ru")[0].is_fallback


def test_a_shown_translation_cannot_overwrite_the_original():
    make_announcement(translate=["fr"])
    [shown] = Announcement.objects.published().shown("fr")
    assert shown.title == TITLES["fr"]
    with pytest.raises(RuntimeError):
        shown.save()
    assert Announcement.objects.get().title == TITLES["en"]


# hreflang ---------------------------------------------------------------------------------


def test_an_announcement_lists_the_languages_it_exists_in(client):
    make_announcement(translate=["fr", "zh-hans"])
    html = client.get(url("fr", SLUGS["fr"])).text
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert alternates == {
        "zh-hans": "http://testserver" + url("zh-hans", SLUGS["zh-hans"]),
        "en": "http://testserver" + url("en", SLUGS["en"]),
        "fr": "http://testserver" + url("fr", SLUGS["fr"]),
        "x-default": "http://testserver" + url("en", SLUGS["en"]),
    }


def test_x_default_asks_the_visitors_language(client):
    make_announcement(translate=["fr"])
    response = client.get(
        f"/news/{SLUGS['en']}/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 302
    assert response["Location"] == url("fr", SLUGS["en"])
    assert client.get(response["Location"])["Location"] == url("fr", SLUGS["fr"])


def test_the_sitemap_queries_do_not_grow_with_languages(client, django_assert_max_num_queries):
    for n in range(3):
        make_announcement(translate=["fr", "ar"], slug=f"news-{n}", days_ago=n + 1)
    make_member()
    for page in ["/sitemap.xml", *sitemap_pages(client)]:
        with django_assert_max_num_queries(3):
            assert client.get(page).status_code == 200


def test_the_sitemap_lists_every_language_with_alternates(client):
    make_announcement(translate=["ar"])
    links = "{http://www.w3.org/1999/xhtml}link"
    entries = {
        loc: {link.get("hreflang"): link.get("href") for link in url.iter(links)}
        for loc, url in sitemap_entries(client).items()
    }
    base = "http://testserver"
    arabic = base + url("ar", SLUGS["ar"])
    english = base + url("en", SLUGS["en"])
    assert set(entries[arabic]) == {"ar", "en", "x-default"}
    assert entries[arabic]["en"] == english
    assert entries[arabic]["x-default"] == english
    assert entries[english] == entries[arabic]
    assert base + url("ru", SLUGS["en"]) not in entries  # no Russian text: not listed
    for language in LANGUAGES:
        assert f"{base}{prefix(language)}/news/" in entries
        assert set(entries[f"{base}{prefix(language)}/news/"]) == {*LANGUAGES, "x-default"}
        assert entries[f"{base}{prefix(language)}/news/"]["x-default"] == f"{base}/news/"


# Feeds ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_each_language_has_its_feed_in_that_language(client, fmt):
    make_announcement(translate=["fr", "ar"])
    make_announcement(slug="only-english", title="Only in English", days_ago=5)
    for language in ["fr", "ar", "en"]:
        with translation.override(language):
            feed_url = reverse("feeds:news", kwargs={"format": fmt})
        assert feed_url.startswith(f"{prefix(language)}/news/feed/")
        response = client.get(feed_url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert feed.feed.language == language
        titles = [entry.title for entry in feed.entries]
        assert titles == [TITLES[language], "Only in English"]
        assert feed.entries[0].link == "http://testserver" + url(language, SLUGS[language])


def test_each_language_has_its_json_feed(client):
    make_announcement(translate=["ar"])
    make_announcement(slug="only-english", title="Only in English", days_ago=5)
    feed = client.get("/ar/news/feed/json/").json()
    assert feed["language"] == "ar"
    assert feed["feed_url"] == "http://testserver/ar/news/feed/json/"
    assert [item["title"] for item in feed["items"]] == [TITLES["ar"], "Only in English"]
    assert feed["items"][0]["url"] == "http://testserver" + url("ar", SLUGS["ar"])
    assert "language" not in feed["items"][0]
    assert feed["items"][1]["language"] == "en"
    assert client.get("/news/feed/json/").json()["language"] == "en"


def test_open_data_follows_the_language(client):
    make_member()
    assert client.get("/members.json").json()["members"][0]["category_name"] == "Government"
    french = client.get("/fr/members.json").json()["members"][0]
    assert french["category_name"] == "Gouvernement"
    assert french["profile_url"].endswith("/fr/members/zeta-ministry/")


def test_an_untranslated_atom_entry_says_its_language(client):
    make_announcement(translate=["fr"])
    make_announcement(slug="only-english", title="Only in English", days_ago=5)
    xml = client.get("/fr/news/feed/atom/").text
    assert 'xml:lang="fr"' in xml
    assert '<entry xml:lang="en">' in xml
    assert xml.count("<entry>") == 1  # the French one inherits the feed's language


def test_feed_validators_change_with_a_translation_and_differ_by_language(client):
    make_announcement(translate=["fr"])
    first = client.get("/fr/news/feed/rss/")
    etag = first["ETag"]
    assert client.get("/news/feed/rss/")["ETag"] != etag
    assert client.get("/fr/news/feed/rss/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    french = AnnouncementTranslation.objects.get()
    french.title = "Le registre ouvert atteint quarante et un pays"
    french.save()
    again = client.get("/fr/news/feed/rss/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert "quarante et un pays" in again.text


def test_feed_links_on_a_page_point_to_its_language(client):
    html = client.get("/es/news/").text
    assert 'href="/es/news/feed/rss/"' in html
    assert 'href="/es/news/feed/atom/"' in html


# Search ------------------------------------------------------------------------------------------


def test_search_finds_what_the_visitor_reads(client):
    make_announcement(translate=["fr"])
    make_announcement(slug="only-english", title="Registry news only in English", days_ago=5)
    # French words find the French translation.
    html = client.get("/fr/search/", {"q": "registre quarante"}).text
    assert TITLES["fr"] in html
    # English words find the untranslated one (shown in English), not the translated one.
    html = client.get("/fr/search/", {"q": "registry"}).text
    assert "Registry news only in English" in html
    assert TITLES["fr"] not in html
    # In Russian nothing is translated: the English text is what is shown and searched.
    html = client.get("/ru/search/", {"q": "registry"}).text
    assert TITLES["en"] in html and "Registry news only in English" in html
    # Another language's words do not match.
    assert TITLES["fr"] not in client.get("/es/search/", {"q": "registre"}).text


def test_search_in_arabic_and_chinese(client):
    make_announcement(translate=["ar", "zh-hans"])
    assert TITLES["ar"] in client.get("/ar/search/", {"q": "أربعون"}).text
    assert TITLES["zh-hans"] in client.get("/zh-hans/search/", {"q": "登记册"}).text
