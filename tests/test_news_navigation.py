"""Ways through the news: the news list links the archive (years, months with news) and
the topics with their counts; tag and archive pages link back; search filters by topic,
member and year; cards show a date, a topic and say when they are in another language."""

import datetime
import re

import pytest
from django.utils import timezone

from .factories import make_announcement, make_draft, make_member

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def news():
    unicef = make_member(slug="unicef", name="UNICEF")
    make_member(slug="github", name="GitHub")
    make_announcement(
        title="Health in March 2025",
        slug="march",
        tags=["Health", "Data"],
        members=[unicef],
        publish_at=datetime.datetime(2025, 3, 10, 12, tzinfo=UTC),
    )
    make_announcement(
        title="Data in November 2025",
        slug="november",
        tags=["Data"],
        publish_at=datetime.datetime(2025, 11, 2, 12, tzinfo=UTC),
    )
    make_announcement(
        title="Health in 2026",
        slug="this-year",
        tags=["Health"],
        members=[unicef],
        publish_at=datetime.datetime(2026, 1, 5, 8, 30, tzinfo=UTC),
    )
    make_draft(title="A draft about water", tags=["Water"], publish_at=timezone.now())
    return unicef


def links(html):
    return re.findall(r'<a href="([^"]+)">([^<]*)', html)


def test_the_news_list_links_the_years_and_months_with_news_and_the_topics_with_counts(
    client, news
):
    html = client.get("/news/").text
    archive = html.split('id="archive"')[1].split("</nav>")[0]
    assert links(archive) == [
        ("/news/2026/", "2026"),
        ("/news/2026/01/", "January"),
        ("/news/2025/", "2025"),
        ("/news/2025/11/", "November"),
        ("/news/2025/03/", "March"),
    ]
    topics = html.split('id="topics"')[1].split("</nav>")[0]
    shown = re.findall(r'<a href="([^"]+)">([^<]+) <span class="count">(\d+)</span>', topics)
    # Most used first; a tag only drafts carry is not offered.
    assert shown == [("/news/tags/data/", "Data", "2"), ("/news/tags/health/", "Health", "2")]


def test_tag_and_archive_pages_link_back_to_the_ways_through_the_news(client, news):
    tag_page = client.get("/news/tags/health/").text
    assert ("/news/#topics", "All topics") in links(tag_page)
    assert ("/news/", "All news") in links(tag_page)
    for url in ("/news/2025/", "/news/2025/03/"):
        assert ("/news/#archive", "All years") in links(client.get(url).text), url


def test_the_ways_through_the_news_follow_a_publication(client, news):
    make_announcement(title="Water", tags=["Water"], publish_at=timezone.now())
    html = client.get("/news/").text
    this_year = timezone.localdate().year
    assert f'<a href="/news/{this_year}/">{this_year}</a>' in html
    assert '<a href="/news/tags/water/">Water <span class="count">1</span></a>' in html


@pytest.mark.parametrize(
    "query, titles",
    [
        ("?tag=health", ["Health in 2026", "Health in March 2025"]),
        ("?tag=data&year=2025", ["Data in November 2025", "Health in March 2025"]),
        ("?member=unicef&year=2025", ["Health in March 2025"]),
        ("?q=health&tag=data", ["Health in March 2025"]),
        ("?member=github", []),
    ],
)
def test_search_filters_by_topic_member_and_year(client, news, query, titles):
    response = client.get("/search/" + query)
    assert response.status_code == 200
    found = re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', response.text)
    assert found == titles


def test_search_offers_the_topics_members_and_years_there_are(client, news):
    html = client.get("/search/?tag=data").text
    assert '<option value="data" selected>Data</option>' in html
    assert '<option value="unicef">UNICEF</option>' in html
    assert '<option value="2025">2025</option>' in html
    assert 'value="water"' not in html  # only drafts have it


@pytest.mark.parametrize("query", ["?tag=water", "?member=nobody", "?year=1999", "?year=abc"])
def test_a_filter_the_site_does_not_have_is_a_400_with_a_message(client, news, query):
    response = client.get("/search/" + query)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.text and 'aria-invalid="true"' in response.text


def test_search_pages_keep_their_filters(client, news):
    for n in range(11):
        make_announcement(title=f"Health note {n}", tags=["Health"])
    html = client.get("/search/?tag=health").text
    assert 'href="?tag=health&amp;page=2"' in html


def test_the_search_page_has_one_search_landmark(client, news):
    html = client.get("/search/?q=health").text
    assert html.count('role="search"') == 1
    assert html.count('role="search"', 0, html.index("<main")) == 0


def test_a_card_shows_its_date_and_its_first_tag_as_its_topic(client, news, settings):
    settings.TIME_ZONE = "Europe/Brussels"
    card = client.get("/news/").text.split('<article class="card')[1]
    assert '<p class="card__topic"><a href="/news/tags/health/">Health</a></p>' in card
    assert '<time datetime="2026-01-05">5 January 2026</time>' in card
    assert "09:30" not in card


def test_an_untranslated_card_is_marked_in_the_pages_language(client, news):
    html = client.get("/fr/news/").text
    card = re.search(r'<article class="card[^"]*" lang="en" dir="ltr">.*?</article>', html, re.S)
    assert card, "an untranslated card carries its text's language"
    assert '<span class="in-language" lang="fr" dir="ltr">En anglais</span>' in card.group()
    english = client.get("/news/").text
    assert "in-language" not in english and '<article class="card" lang=' not in english
