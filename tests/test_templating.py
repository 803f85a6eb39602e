"""What the public templates can call (dpga/templating.py): a moment shown right in every language and zone."""

import datetime

import pytest
from django.utils import translation

from dpga.templating import time_element

from .factories import make_announcement

MOMENT = datetime.datetime(2026, 1, 5, 8, 30, tzinfo=datetime.UTC)


def test_each_language_shows_the_moment_its_own_way():
    with translation.override("en"):
        english = time_element(MOMENT)
    with translation.override("fr"):
        french = time_element(MOMENT)
    assert english == '<time datetime="2026-01-05T08:30:00+00:00">5 January 2026, 08:30 UTC</time>'
    assert "5 janvier 2026" in french and "January" not in french


def test_a_changed_time_zone_is_followed(settings):
    with translation.override("en"):
        assert "08:30 UTC" in time_element(MOMENT)
        settings.TIME_ZONE = "Europe/Brussels"
        shown = time_element(MOMENT)
    assert "09:30 CET" in shown and 'datetime="2026-01-05T09:30:00+01:00"' in shown


@pytest.mark.django_db
def test_news_cards_show_their_date_and_the_article_its_time_in_the_page_language(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    settings.TIME_ZONE = "Europe/Brussels"
    story = make_announcement(title="Dated story", publish_at=MOMENT)
    cards = client.get("/news/").text
    assert '<time datetime="2026-01-05">5 January 2026</time>' in cards
    assert "09:30" not in cards  # a card shows the day only
    assert "5 janvier 2026" in client.get("/fr/news/").text
    assert "5 January 2026, 09:30 CET" in client.get(f"/news/{story.slug}/").text
