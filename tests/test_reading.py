"""What public pages read (announcements/reading.py): previous, next and related news on an announcement's page."""

import datetime

import pytest
from django.utils import timezone

from announcements import reading
from announcements.models import Announcement

from .factories import make_announcement, make_draft, make_scheduled

pytestmark = pytest.mark.django_db


def at(hours_ago):
    return timezone.now() - datetime.timedelta(hours=hours_ago)


def around(story, **kwargs):
    story = Announcement.objects.get(pk=story.pk)
    found = reading.surroundings(story, **kwargs)
    previous, following = found["previous_announcement"], found["next_announcement"]
    titles = [a.title for a in found["related"]]
    return (previous and previous.title, following and following.title, titles)


def test_related_news_is_the_newest_earlier_published_news_sharing_a_tag():
    make_announcement(title="Old, three tags", tags=["a", "b", "c"], publish_at=at(50))
    make_announcement(title="Two tags", tags=["a", "b"], publish_at=at(40))
    make_announcement(title="One tag, older", tags=["c"], publish_at=at(30))
    make_announcement(title="One tag, newer", tags=["a"], publish_at=at(20))
    make_announcement(title="No shared tag", tags=["z"], publish_at=at(15))
    make_draft(title="Draft, three tags", tags=["a", "b", "c"], publish_at=at(12))
    story = make_announcement(title="Story", tags=["a", "b", "c"], publish_at=at(10))
    make_announcement(title="Later, three tags", tags=["a", "b", "c"], publish_at=at(5))
    make_scheduled(title="Scheduled")

    previous, following, related = around(story)
    assert previous == "No shared tag"
    assert following == "Later, three tags"
    # Only earlier published news sharing a tag, newest first.
    assert related == ["One tag, newer", "One tag, older", "Two tags"]
    assert around(story, limit=4)[2] == [*related, "Old, three tags"]


def test_the_previous_announcement_is_related_too_when_it_shares_a_tag():
    make_announcement(title="Older", tags=["a"], publish_at=at(30))
    make_announcement(title="Previous", tags=["a"], publish_at=at(20))
    story = make_announcement(title="Story", tags=["a"], publish_at=at(10))
    assert around(story) == ("Previous", None, ["Previous", "Older"])


def test_neighbours_at_the_same_minute_follow_the_list_order():
    same = at(3)
    first = make_announcement(title="A", publish_at=same)
    second = make_announcement(title="B", publish_at=same)
    third = make_announcement(title="C", publish_at=same)
    assert around(second)[:2] == ("A", "C")  # newest first: C, B, A
    assert around(first)[:2] == (None, "B")
    assert around(third)[:2] == ("B", None)


def test_untagged_news_has_neighbours_and_no_related_news():
    make_announcement(title="Tagged", tags=["a"], publish_at=at(2))
    story = make_announcement(title="Untagged", publish_at=at(1))
    assert around(story) == ("Tagged", None, [])
