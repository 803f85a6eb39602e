"""Year and month archives: the months with news, in the site's time zone, at any size."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from announcements.models import AnnouncementTranslation

from .factories import make_announcement, make_draft

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def month_links(html):
    return re.findall(r'href="/news/(\d{4})/(\d{2})/">([^<]+)</a>', html)


def test_a_year_lists_the_months_with_published_news_and_no_others(client):
    make_announcement(title="January news", publish_at=at(2024, 1, 15, 12))
    make_announcement(title="More January news", publish_at=at(2024, 1, 20, 12))
    make_announcement(title="October news", publish_at=at(2024, 10, 2, 9))
    make_draft(title="A draft in May", publish_at=at(2024, 5, 5, 12))
    make_announcement(title="Another year", publish_at=at(2023, 12, 31, 12))
    response = client.get("/news/2024/")
    assert response.status_code == 200
    assert month_links(response.text) == [("2024", "01", "January"), ("2024", "10", "October")]
    assert client.get("/news/2024/10/").status_code == 200
    assert client.get("/news/2024/05/").status_code == 404  # only a draft


def test_months_follow_the_sites_time_zone(client, settings):
    settings.TIME_ZONE = "Pacific/Auckland"  # 13 hours ahead of UTC in March
    make_announcement(title="Late March in UTC", publish_at=at(2025, 3, 31, 12))
    assert month_links(client.get("/news/2025/").text) == [("2025", "04", "April")]
    settings.TIME_ZONE = "UTC"
    assert month_links(client.get("/news/2025/").text) == [("2025", "03", "March")]


def test_a_year_without_published_news_is_not_found(client):
    make_draft(title="Only a draft", publish_at=at(2022, 6, 1, 12))
    assert client.get("/news/2022/").status_code == 404
    assert client.get("/news/1999/").status_code == 404


def test_a_year_page_costs_the_same_queries_however_much_news_it_holds(client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/news/2024/").status_code == 200
        return len(captured)

    for day in range(1, 4):
        make_announcement(publish_at=at(2024, 2, day, 12))
    few = queries()
    for day in range(1, 29):
        for month in (3, 7, 11):
            make_announcement(publish_at=at(2024, month, day, 12))
    assert queries() == few


def archive_links(html):
    return re.findall(r'<a rel="(prev|next)" href="(/news/[\d/]+)">', html)


def test_a_month_links_the_nearest_months_with_news_and_follows_changes(client, settings):
    settings.PAGE_CACHE_ENABLED = False  # only what archives keep for the content state
    make_announcement(publish_at=at(2024, 1, 15, 12))
    make_announcement(publish_at=at(2024, 4, 15, 12))
    make_announcement(publish_at=at(2024, 9, 15, 12))
    links = archive_links(client.get("/news/2024/04/").text)
    assert links == [("prev", "/news/2024/01/"), ("next", "/news/2024/09/")]
    make_announcement(publish_at=at(2024, 6, 1, 12))  # a new month between them
    links = archive_links(client.get("/news/2024/04/").text)
    assert links == [("prev", "/news/2024/01/"), ("next", "/news/2024/06/")]
    assert client.get("/news/2024/05/").status_code == 404


def test_a_scheduled_item_adds_its_month_when_its_time_comes(client, settings, time_machine):
    settings.PAGE_CACHE_ENABLED = False
    time_machine.move_to(at(2024, 5, 20, 12))
    make_announcement(publish_at=at(2024, 3, 1, 12))
    make_announcement(title="Going live in June", publish_at=at(2024, 6, 2, 9))
    assert month_links(client.get("/news/2024/").text) == [("2024", "03", "March")]
    assert client.get("/news/2024/06/").status_code == 404
    time_machine.move_to(at(2024, 6, 2, 10))
    assert month_links(client.get("/news/2024/").text) == [
        ("2024", "03", "March"),
        ("2024", "06", "June"),
    ]
    assert "Going live in June" in client.get("/news/2024/06/").text
    assert archive_links(client.get("/news/2024/03/").text) == [("next", "/news/2024/06/")]


def test_a_year_links_the_nearest_years_with_news(client):
    make_announcement(publish_at=at(2019, 12, 31, 23))
    make_announcement(publish_at=at(2022, 5, 1, 12))
    make_draft(publish_at=at(2023, 5, 1, 12))  # a draft makes no year
    make_announcement(publish_at=at(2025, 1, 1, 0, 30))
    assert archive_links(client.get("/news/2022/").text) == [
        ("prev", "/news/2019/"),
        ("next", "/news/2025/"),
    ]
    assert archive_links(client.get("/news/2019/").text) == [("next", "/news/2022/")]


def test_each_language_reads_the_archive_in_its_own_language(client, settings):
    settings.PAGE_CACHE_ENABLED = False  # every request drawn from the prepared queries
    story = make_announcement(title="Open registry", publish_at=at(2024, 5, 2, 12))
    AnnouncementTranslation.objects.create(
        announcement=story, language="fr", title="Registre ouvert", slug="registre", summary="."
    )
    assert "Open registry" in client.get("/news/2024/05/").text
    french = client.get("/fr/news/2024/05/").text
    assert "Registre ouvert" in french and "Open registry" not in french
    assert "Registre ouvert" in client.get("/fr/news/2024/").text
    assert "Open registry" in client.get("/news/2024/").text
