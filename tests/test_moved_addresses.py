"""Addresses that never break: 301 after a slug change (one hop), 410 after deletion."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from announcements.models import Announcement
from dpga.middleware import MovedAddressMiddleware
from dpga.models import SlugRedirect

from .editorial import logged_in, make_announcement, make_member, publisher

pytestmark = pytest.mark.django_db
Status = Announcement.Status


def rename(obj, slug):
    obj.slug = slug
    obj.save()


def test_an_old_announcement_address_moves_permanently_to_the_new_one():
    announcement = make_announcement(slug="first", status=Status.PUBLISHED)
    rename(announcement, "second")
    response = Client().get("/news/first/")
    assert response.status_code == 301
    assert response["Location"] == "/news/second/"
    assert Client().get("/news/second/").status_code == 200


def test_a_chain_of_renames_still_ends_in_one_hop():
    announcement = make_announcement(slug="a", status=Status.PUBLISHED)
    for slug in ("b", "c", "d"):
        rename(announcement, slug)
    for old in ("a", "b", "c"):
        response = Client().get(f"/news/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/news/d/")


def test_renaming_back_serves_the_page_again_and_never_loops():
    announcement = make_announcement(slug="a", status=Status.PUBLISHED)
    rename(announcement, "b")
    rename(announcement, "a")
    assert Client().get("/news/a/").status_code == 200
    assert Client().get("/news/b/")["Location"] == "/news/a/"
    assert not SlugRedirect.objects.filter(old_slug="a").exists()


def test_the_query_string_travels_with_the_redirect():
    member = make_member(slug="old-name")
    rename(member, "new-name")
    response = Client().get("/members/old-name/?page=2")
    assert response["Location"] == "/members/new-name/?page=2"


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_member_pages_and_feeds_follow_a_slug_change(fmt):
    member = make_member(slug="old-name")
    rename(member, "new-name")
    assert Client().get("/members/old-name/")["Location"] == "/members/new-name/"
    response = Client().get(f"/members/old-name/feed/{fmt}/")
    assert response.status_code == 301
    assert response["Location"] == f"/members/new-name/feed/{fmt}/"
    assert Client().get(response["Location"]).status_code == 200


def test_deleting_a_published_announcement_leaves_410_gone():
    announcement = make_announcement(slug="withdrawn", status=Status.PUBLISHED)
    rename(announcement, "withdrawn-news")
    announcement.delete()
    for slug in ("withdrawn-news", "withdrawn"):
        response = Client().get(f"/news/{slug}/")
        assert response.status_code == 410
        assert "removed for good" in response.content.decode()


def test_deleting_a_draft_leaves_a_plain_404():
    make_announcement(slug="never-public").delete()
    assert Client().get("/news/never-public/").status_code == 404


def test_deleting_in_the_admin_also_leaves_410():
    announcement = make_announcement(slug="admin-deleted", status=Status.PUBLISHED)
    client = logged_in(publisher())
    client.post(f"/admin/announcements/announcement/{announcement.pk}/delete/", {"post": "yes"})
    assert not Announcement.objects.exists()
    assert Client().get("/news/admin-deleted/").status_code == 410


def test_a_new_announcement_may_take_a_slug_that_was_gone():
    make_announcement(slug="reused", status=Status.PUBLISHED).delete()
    make_announcement(slug="reused", status=Status.PUBLISHED)
    assert Client().get("/news/reused/").status_code == 200
    assert not SlugRedirect.objects.filter(old_slug="reused").exists()


def test_renaming_a_tag_keeps_its_page_and_feeds():
    announcement = make_announcement(status=Status.PUBLISHED, tags=["Health"])
    tag = announcement.tags.get()
    tag.slug = "public-health"
    tag.save()
    assert Client().get("/news/tags/health/")["Location"] == "/news/tags/public-health/"
    assert (
        Client().get("/news/tags/health/feed/atom/")["Location"]
        == "/news/tags/public-health/feed/atom/"
    )


def test_unknown_addresses_stay_404():
    assert Client().get("/news/nothing-here/").status_code == 404
    assert Client().get("/no/such/route/").status_code == 404


def test_pages_that_exist_pay_nothing(django_assert_num_queries):
    middleware = MovedAddressMiddleware(lambda request: HttpResponse("ok"))
    with django_assert_num_queries(0):
        assert middleware(RequestFactory().get("/news/first/")).status_code == 200


def test_a_404_costs_one_lookup(django_assert_num_queries):
    middleware = MovedAddressMiddleware(lambda request: HttpResponse(status=404))
    with django_assert_num_queries(1):
        assert middleware(RequestFactory().get("/news/first/")).status_code == 404
