"""Prepared queries (dpga/prepared.py): built once per shape, right for every value."""

import datetime

import pytest
from django.apps import apps
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.utils import timezone

from announcements.models import Announcement, AnnouncementTranslation
from dpga.prepared import PreparedQuery

from .factories import make_announcement, make_draft, make_member, make_scheduled

pytestmark = pytest.mark.django_db


class Counting:
    """A builder that counts how often the ORM was asked to build the query."""

    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.build(*args, **kwargs)


def published_titled(language, *, now, pks, prefix):
    return (
        Announcement.objects.published(now)
        .filter(Q(pk__in=pks) | Q(title=prefix))
        .order_by("pk")
        .in_language(language)
    )


def test_the_sql_is_built_once_and_each_call_gets_its_own_rows():
    one, two, three = (make_announcement(title=t) for t in ("One", "Two", "Three"))
    build = Counting(published_titled)
    query = PreparedQuery(build)
    now = timezone.now()

    def titles(**values):
        return [a.title for a in query("en", **values)]

    assert titles(now=now, pks=[one.pk, two.pk], prefix="Three") == ["One", "Two", "Three"]
    assert titles(now=now, pks=[three.pk, one.pk], prefix="nothing") == ["One", "Three"]
    assert build.calls == 1
    # Another number of ids is another shape: built again, once.
    assert titles(now=now, pks=[two.pk], prefix="One") == ["One", "Two"]
    assert titles(now=now, pks=[three.pk], prefix="") == ["Three"]
    assert build.calls == 2


def test_a_time_value_is_passed_as_the_orm_would_pass_it():
    story = make_announcement(
        title="Later", publish_at=timezone.now() - datetime.timedelta(hours=1)
    )
    query = PreparedQuery(published_titled)
    before = story.publish_at - datetime.timedelta(seconds=1)
    assert query("en", now=before, pks=[story.pk], prefix="") == []
    assert [a.pk for a in query("en", now=story.publish_at, pks=[story.pk], prefix="")] == [
        story.pk
    ]


def test_rows_are_what_the_queryset_itself_returns():
    make_announcement(title="Open registry", tags=["Health"])
    make_draft(title="Not public")
    shown = make_announcement(title="Shown in French")
    AnnouncementTranslation.objects.create(
        announcement=shown, language="fr", title="Montré en français", slug="montre", summary="S"
    )
    pks = list(Announcement.objects.values_list("pk", flat=True))
    now = timezone.now()
    expected = list(published_titled("fr", now=now, pks=pks, prefix=""))
    got = PreparedQuery(published_titled)("fr", now=now, pks=pks, prefix="")
    assert [(a.pk, a.title, a.content_language, a.is_fallback) for a in got] == [
        (a.pk, a.title, a.content_language, a.is_fallback) for a in expected
    ]
    assert "Montré en français" in [a.title for a in got]
    assert {a.publish_at for a in got} == {a.publish_at for a in expected}  # aware datetimes


def test_a_value_the_sql_does_not_carry_as_it_is_is_refused():
    def containing(language, *, word):
        return Announcement.objects.filter(title__icontains=word).in_language(language)

    with pytest.raises(ValueError, match="not preparable"):
        PreparedQuery(containing)("en", word="registry")


def test_only_plain_values_can_be_prepared():
    with pytest.raises(TypeError, match="float"):
        PreparedQuery(published_titled)("en", now=timezone.now(), pks=[1.5], prefix="")


# Pages of lists, from prepared SQL (announcements/pagination.py) -------------------


@pytest.fixture
def rendered(settings):
    settings.PAGE_CACHE_ENABLED = False  # every request renders, from the prepared queries


def test_a_member_given_the_address_of_another_lists_its_own_news(client, rendered):
    first = make_member(slug="unicef", name="UNICEF")
    make_announcement(title="About the first", members=[first])
    assert "About the first" in client.get("/members/unicef/").text
    first.slug = "unicef-before"
    first.save()
    second = make_member(slug="unicef", name="UNICEF")
    make_announcement(title="About the second", members=[second])
    page = client.get("/members/unicef/").text
    assert "About the second" in page and "About the first" not in page


def test_a_tag_page_lists_only_that_tag_and_each_card_its_own_tags(client, rendered):
    make_announcement(title="Health story", tags=["Health", "Data"])
    make_announcement(title="Water story", tags=["Water"])
    health = client.get("/news/tags/health/").text
    assert "Health story" in health and "Water story" not in health
    water = client.get("/news/tags/water/").text
    assert "Water story" in water and "Health story" not in water
    assert 'href="/news/tags/data/"' in health and 'href="/news/tags/data/"' not in water


def test_scheduled_news_appears_on_the_list_when_its_time_comes(client, rendered, time_machine):
    make_announcement(title="Already out")
    make_scheduled(title="Coming soon", hours_ahead=1)
    assert "Coming soon" not in client.get("/news/").text
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))
    page = client.get("/news/").text
    assert "Coming soon" in page and "Already out" in page


def test_prepared_queries_are_forgotten_when_the_database_is_migrated_or_flushed():
    query = PreparedQuery(published_titled)
    query("en", now=timezone.now(), pks=[1], prefix="")
    assert query._prepared
    app = apps.get_app_config("announcements")
    post_migrate.send(
        sender=app, app_config=app, verbosity=0, interactive=False, using="default", apps=apps
    )
    assert not query._prepared


def test_a_member_that_leaves_drops_off_the_announcement_page_the_next_day(
    client, rendered, time_machine
):
    leaving = make_member(
        slug="leaving",
        name="Leaving Org",
        left_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    make_announcement(title="About them", slug="about-them", members=[leaving])
    assert 'href="/members/leaving/"' in client.get("/news/about-them/").text
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    assert 'href="/members/leaving/"' not in client.get("/news/about-them/").text


def test_each_language_has_its_own_address_in_the_switcher(client, rendered):
    story = make_announcement(title="Open registry", slug="open-registry")
    AnnouncementTranslation.objects.create(
        announcement=story,
        language="fr",
        title="Registre ouvert",
        slug="registre-ouvert",
        summary="S",
    )
    page = client.get("/news/open-registry/").text
    assert 'hreflang="fr" href="http://testserver/fr/news/registre-ouvert/"' in page
    assert 'hreflang="de"' not in page  # no German text: no German alternate


def test_searches_of_as_many_words_each_find_their_own_news(client, rendered):
    make_announcement(title="Open water data", slug="water")
    make_announcement(title="Open health data", slug="health")
    water = client.get("/search/?q=water+open").text
    health = client.get("/search/?q=health+open").text
    assert "Open water data" in water and "Open health data" not in water
    assert "Open health data" in health and "Open water data" not in health


def test_search_wildcards_are_matched_as_themselves(client, rendered):
    make_announcement(title="Costs down 50% this year", slug="fifty")
    make_announcement(title="Costs down 500 this year", slug="five-hundred")
    make_announcement(title="The snake_case guide", slug="snake")
    make_announcement(title="The snakeXcase guide", slug="snake-x")
    percent = client.get("/search/?q=50%25").text
    assert "50% this year" in percent and "500 this year" not in percent
    underscore = client.get("/search/?q=snake_case").text
    assert "snake_case guide" in underscore and "snakeXcase" not in underscore


def test_the_home_page_follows_the_clock_and_lists_each_item_once(client, rendered, time_machine):
    make_announcement(title="Featured now", featured=True)
    make_scheduled(title="Featured soon", featured=True, hours_ahead=1)
    make_announcement(title="Plain news")
    make_member(name="Joins tomorrow", joined_on=timezone.localdate() + datetime.timedelta(days=1))
    home = client.get("/").text
    assert home.count("Featured now</a>") == 1  # featured, so not again under the latest
    assert "Plain news" in home and "Featured soon" not in home and "Joins tomorrow" not in home
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    home = client.get("/").text
    assert home.count("Featured soon</a>") == 1 and "Joins tomorrow" in home
    assert home.index("Featured soon") < home.index("latest-heading") < home.index("Plain news")
