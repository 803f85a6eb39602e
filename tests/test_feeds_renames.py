"""A feed's validators move when a name it shows changes without any item being
edited: the author's name, a tag's name or slug, the member's name. A reader that
kept the old ETag (or the old Last-Modified) gets the new text, not a 304."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from .factories import make_announcement, make_member

pytestmark = pytest.mark.django_db
FORMATS = ("rss", "atom", "json")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change as the admin does, a few seconds later (HTTP dates count seconds)."""

    def run(change):
        later = timezone.now() + datetime.timedelta(seconds=5)
        with (
            time_machine.travel(later, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            change()

    return run


@pytest.fixture
def newsroom(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        author = User.objects.create_user(
            "amina", first_name="Amina", last_name="Okafor", email="a@example.org"
        )
        who = make_member(slug="who", name="World Health Organization")
        items = [
            make_announcement(
                title=f"Health news {n}",
                tags=["Health", "Vaccines"],
                members=[who],
                author=author,
                publish_at=timezone.now() - datetime.timedelta(days=30 - n),
            )
            for n in range(21)  # one complete archive page, and the newest one
        ]
        make_announcement(title="Unrelated news", tags=["Food"])
        make_announcement(title="A draft", tags=["Draft only"], author=author, status="draft")
    return {"author": author, "who": who, "items": items}


def first_get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def assert_changed(client, url, before, expected_text):
    """With the old ETag, and with the old Last-Modified alone: the new text."""
    for headers in (
        {"HTTP_IF_NONE_MATCH": before["ETag"]},
        {"HTTP_IF_MODIFIED_SINCE": before["Last-Modified"]},
    ):
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, headers)
        assert expected_text in response.content.decode(), url
        assert response["ETag"] != before["ETag"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_renaming_the_author_changes_every_feed_showing_their_items(client, newsroom, commit, fmt):
    urls = [
        f"/news/feed/{fmt}/",
        f"/news/tags/health/feed/{fmt}/",
        f"/members/who/feed/{fmt}/",
        f"/news/feed/{fmt}/?page=1",  # an archive page shows the author too
    ]
    before = {url: first_get(client, url) for url in urls}

    def rename():
        author = newsroom["author"]
        author.last_name = "Okafor-Mensah"
        author.save()

    commit(rename)
    for url in urls:
        assert_changed(client, url, before[url], "Amina Okafor-Mensah")


@pytest.mark.parametrize("fmt", FORMATS)
def test_renaming_a_tag_changes_every_feed_showing_it(client, newsroom, commit, fmt):
    # The items carry "Vaccines" as a category in the news, Health and member feeds.
    urls = [
        f"/news/feed/{fmt}/",
        f"/news/tags/health/feed/{fmt}/",
        f"/members/who/feed/{fmt}/",
        f"/news/feed/{fmt}/?page=1",
    ]
    before = {url: first_get(client, url) for url in urls}

    def rename():
        tag = Tag.objects.get(name="Vaccines")
        tag.name = "Immunisation"
        tag.save()

    commit(rename)
    for url in urls:
        assert_changed(client, url, before[url], "Immunisation")


def test_a_tags_new_slug_moves_its_own_feed(client, newsroom, commit):
    before = first_get(client, "/news/tags/vaccines/feed/atom/")

    def reslug():
        tag = Tag.objects.get(name="Vaccines")
        tag.slug = "immunisation"
        tag.save()

    commit(reslug)
    response = client.get("/news/tags/immunisation/feed/atom/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert response.status_code == 200
    assert "/news/tags/immunisation/feed/atom/" in response.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_renaming_the_member_changes_its_feed(client, newsroom, commit, fmt):
    url = f"/members/who/feed/{fmt}/"
    before = first_get(client, url)

    def rename():
        who = newsroom["who"]
        who.name = "World Health Organisation"
        who.save()

    commit(rename)
    assert_changed(client, url, before, "World Health Organisation")


def test_what_no_feed_shows_leaves_the_validators_alone(client, newsroom, commit):
    urls = ["/news/feed/atom/", "/news/tags/health/feed/rss/", "/news/feed/json/?page=1"]
    before = {url: first_get(client, url)["ETag"] for url in urls}

    def unseen_changes():
        author = newsroom["author"]
        author.email = "amina@example.org"
        author.last_login = timezone.now()
        author.save()
        unused = Tag.objects.get(name="Draft only")  # on no live item
        unused.name = "Still a draft"
        unused.save()
        User.objects.create_user("nobody", first_name="No", last_name="Body")

    commit(unseen_changes)
    for url, etag in before.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url


def test_deleting_the_author_or_a_tag_changes_the_feeds_too(client, newsroom, commit):
    urls = ["/news/feed/atom/", "/news/feed/atom/?page=1", "/members/who/feed/rss/"]
    before = {url: first_get(client, url) for url in urls}
    commit(lambda: Tag.objects.get(name="Vaccines").delete())
    for url in urls:
        response = client.get(url, HTTP_IF_NONE_MATCH=before[url]["ETag"])
        assert response.status_code == 200, url
        assert "Vaccines" not in response.content.decode()

    before = {url: first_get(client, url) for url in urls}
    commit(newsroom["author"].delete)
    for url in urls:
        response = client.get(url, HTTP_IF_NONE_MATCH=before[url]["ETag"])
        assert response.status_code == 200, url
        assert "Okafor" not in response.content.decode()


def test_a_rename_that_was_rolled_back_changes_no_feed(client, newsroom, commit):
    """A rename whose transaction is rolled back (a save refused, say, because the cache
    could not be told) reaches no feed, not with the next change that commits either."""
    url = "/news/feed/rss/?page=1"  # an archive page: a new item leaves it as it is
    before = first_get(client, url)["ETag"]
    with pytest.raises(RuntimeError), transaction.atomic():
        tag = Tag.objects.get(name="Vaccines")
        tag.name = "Immunisation"
        tag.save()
        raise RuntimeError("the save was refused")
    assert client.get("/news/").status_code == 200  # the next request
    commit(lambda: make_announcement(title="Newer news", tags=["Food"]))
    assert client.get(url, HTTP_IF_NONE_MATCH=before).status_code == 304
