"""The issue's acceptance, as a new user would try it, through the real admin."""

import feedparser
import pytest
from django.utils import timezone

from announcements.models import Announcement

from .factories import image_upload, make_member, make_user

pytestmark = pytest.mark.django_db


def test_publish_with_picture_tags_and_member_then_find_it_everywhere(client):
    who = make_member(slug="who", name="World Health Organization", short_name="WHO")
    publisher = make_user("pat", groups=["Publishers"])
    assert client.login(username="pat", password="a-long-test-password-1")
    now = timezone.localtime()
    response = client.post(
        "/admin/announcements/announcement/add/",
        {
            "title": "WHO shares an open health data standard",
            "slug": "who-open-health-data",
            "summary": "An open standard for health data, shared as a digital public good.",
            "body": "The **standard** is open.",
            "picture": image_upload("standard.jpg", "JPEG", size=(800, 400)),
            "picture_alt": "A diagram of the data standard.",
            "tags": "Health, Open data",
            "members": [who.pk],
            "status": Announcement.Status.PUBLISHED,
            "publish_at_0": now.strftime("%Y-%m-%d"),
            "publish_at_1": now.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get(slug="who-open-health-data")
    assert announcement.author == publisher and announcement.is_published
    client.logout()

    title = "WHO shares an open health data standard"
    for url in ("/", "/news/", "/news/tags/health/", "/news/tags/open-data/", "/members/who/"):
        assert title in client.get(url).content.decode(), url
    page = client.get("/news/who-open-health-data/").content.decode()
    assert 'alt="A diagram of the data standard."' in page
    assert "<strong>standard</strong>" in page

    for url in ("/news/feed/rss/", "/news/tags/health/feed/atom/", "/members/who/feed/rss/"):
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo
        assert feed.entries[0].title == title, url
        assert feed.entries[0].enclosures[0].type == "image/jpeg"
