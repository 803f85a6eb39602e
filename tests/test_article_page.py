"""An announcement's page and the home page as a reader sees them: the picture's caption
and credit, the members it is about with their logos, share links that run nothing,
related news as cards, previous and next by title; the home page leads with the
newest featured story."""

import datetime
import re

import pytest
from django.utils import timezone

from announcements.models import Announcement, AnnouncementTranslation
from dpga.caching import content_version

from .factories import make_announcement, make_member

pytestmark = pytest.mark.django_db


def ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


@pytest.fixture
def story():
    who = make_member(slug="who", name="World Health Organization")
    make_announcement(title="Older health news", slug="older", tags=["Health"], publish_at=ago(9))
    story = make_announcement(
        title="Health & data",
        slug="story",
        tags=["Health"],
        members=[who],
        publish_at=ago(5),
        picture_caption="Nurses at a clinic",
        picture_credit="WHO/A. Photographer",
    )
    make_announcement(title="Newer news", slug="newer", publish_at=ago(1))
    return story


def test_the_caption_and_credit_are_shown_only_with_a_picture(client, story):
    html = client.get("/news/story/").text
    assert "<figcaption>" not in html  # no picture: nothing to caption
    Announcement.objects.filter(pk=story.pk).update(picture="announcements/x.jpg")
    content_version.bump()  # update() sends no signal
    html = client.get("/news/story/").text
    assert (
        '<figcaption><span class="caption">Nurses at a clinic</span> '
        '<span class="credit">WHO/A. Photographer</span></figcaption>'
    ) in html


def test_a_translated_caption_is_shown_in_its_language(client, story):
    AnnouncementTranslation.objects.create(
        announcement=story,
        language="fr",
        title="Santé et données",
        slug="sante",
        summary="Résumé.",
        picture_caption="Des infirmières",
    )
    fetched = Announcement.objects.filter(pk=story.pk).shown("fr")[0]
    assert fetched.picture_caption == "Des infirmières"
    assert Announcement.objects.filter(pk=story.pk).shown("es")[0].picture_caption == (
        "Nurses at a clinic"
    )


def test_share_links_are_plain_links_with_the_address_and_title(client, story):
    html = client.get("/news/story/").text
    share = html.split('class="share"')[1].split("</section>")[0]
    address = "http%3A%2F%2Ftestserver%2Fnews%2Fstory%2F"
    assert f'href="mailto:?subject=Health%20%26%20data&amp;body={address}"' in share
    assert f'href="https://www.linkedin.com/sharing/share-offsite/?url={address}"' in share
    assert 'value="http://testserver/news/story/" readonly' in share
    assert "<script" not in share and "<img" not in share and "<iframe" not in share


def test_the_members_are_listed_with_their_logos_and_neighbours_by_title(client, story):
    html = client.get("/news/story/").text
    members = html.split('id="members-heading"')[1].split("</section>")[0]
    assert '<a href="/members/who/">' in members and "World Health Organization" in members
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Previous: Older health news" in text and "Next: Newer news" in text


def test_related_news_are_cards_with_a_date(client, story):
    html = client.get("/news/story/").text
    related = html.split('id="related-heading"')[1].split("</section>")[0]
    assert '<article class="card">' in related
    assert '<a href="/news/older/">Older health news</a>' in related
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', related)


def test_the_home_page_leads_with_the_newest_featured_story(client, story):
    make_announcement(title="Featured long ago", featured=True, publish_at=ago(30))
    make_announcement(title="Featured lately", featured=True, publish_at=ago(3))
    html = client.get("/").text
    lead = html.split('id="featured-heading"')[1].split("</section>")[0]
    assert "card--lead" in lead and "Featured lately" in lead
    assert "Featured long ago" not in lead
    latest = html.split('id="latest-heading"')[1].split("</section>")[0]
    assert "Featured long ago" in latest and "Featured lately" not in latest
    assert 'id="about-heading"' in html and '<a href="/members/">' in html
