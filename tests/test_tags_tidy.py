"""Tags that stay tidy: one tag whatever the case, a split hint, autocomplete, merging."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from announcements.models import Announcement, FeedState, TagMerge
from announcements.tagging import merge_tags, tag_hint

from .editorial import editor, logged_in, make_announcement, publisher

pytestmark = pytest.mark.django_db
Status = Announcement.Status
HINT_URL = "/admin/announcements/announcement/tag-hint/"


def test_tags_are_case_insensitive():
    first = make_announcement(tags=["Health"])
    second = make_announcement(tags=["health"])
    assert Tag.objects.count() == 1
    assert list(second.tags.names()) == ["Health"]
    assert first.tags.get() == second.tags.get()


def test_the_hint_shows_how_text_is_split():
    Tag.objects.create(name="Health")
    assert tag_hint("open data")["tags"] == [
        {"name": "data", "new": True},
        {"name": "open", "new": True},
    ]
    assert tag_hint('health, "open data"')["tags"] == [
        {"name": "Health", "new": False},
        {"name": "open data", "new": True},
    ]


def test_suggestions_complete_the_last_tag_as_a_whole_field_value():
    for name in ("Health", "Open source", "open data", "Openness"):
        Tag.objects.create(name=name)
    assert tag_hint("hea")["suggestions"] == ["Health"]
    assert tag_hint("health, op")["suggestions"] == [
        'health, "open data"',
        'health, "Open source"',
        "health, Openness",
    ]
    assert tag_hint("Openness, open")["suggestions"] == [
        'Openness, "open data"',
        'Openness, "Open source"',
    ]
    assert tag_hint("")["suggestions"] == []


def test_the_hint_endpoint_is_for_staff_only():
    Tag.objects.create(name="Health")
    response = logged_in(editor()).get(HINT_URL, {"q": "open data, hea"})
    result = response.json()
    assert result["label"] == "Will be saved as 2 tags:"
    assert result["tags"] == [{"name": "hea", "new": True}, {"name": "open data", "new": True}]
    assert result["suggestions"] == ["open data, Health"]
    assert Client().get(HINT_URL, {"q": "x"}).status_code == 302  # to the admin login


def test_the_tag_field_is_wired_to_the_hint():
    page = logged_in(editor()).get("/admin/announcements/announcement/add/").content.decode()
    assert f'data-tag-hint="{HINT_URL}"' in page
    assert "spaces separate tags" in page


@pytest.fixture
def messy_tags():
    health = Tag.objects.create(name="Health", slug="health")
    wellbeing = Tag.objects.create(name="Wellbeing", slug="wellbeing")
    sante = Tag.objects.create(name="Public health", slug="public-health")
    both = make_announcement(status=Status.PUBLISHED, tags=[health, wellbeing])
    only_old = make_announcement(status=Status.PUBLISHED, tags=[sante])
    return health, wellbeing, sante, both, only_old


def test_merging_repoints_every_item_once_and_records_it(messy_tags):
    health, wellbeing, sante, both, only_old = messy_tags
    paul = publisher()
    record = merge_tags([health, wellbeing, sante], health, paul)
    assert list(both.tags.names()) == ["Health"]
    assert list(only_old.tags.names()) == ["Health"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["Health"]
    assert (record.into, record.into_name, record.merged_by) == (health, "Health", paul)
    assert record.merged_names == "Wellbeing, Public health"
    assert record.items_moved == 2


@pytest.mark.parametrize(
    "old, new",
    [
        ("/news/tags/wellbeing/", "/news/tags/health/"),
        ("/news/tags/public-health/feed/rss/", "/news/tags/health/feed/rss/"),
        ("/news/tags/public-health/feed/atom/", "/news/tags/health/feed/atom/"),
    ],
)
def test_merged_tag_pages_and_feeds_redirect(messy_tags, old, new):
    health, wellbeing, sante, *_ = messy_tags
    merge_tags([wellbeing, sante], health)
    response = Client().get(old)
    assert (response.status_code, response["Location"]) == (301, new)
    assert Client().get(new).status_code == 200


def test_merging_into_a_tag_that_is_later_merged_again_is_still_one_hop(messy_tags):
    health, wellbeing, sante, *_ = messy_tags
    merge_tags([wellbeing], sante)
    merge_tags([sante], health)
    assert Client().get("/news/tags/wellbeing/")["Location"] == "/news/tags/health/"


def test_the_merge_action_in_the_admin(messy_tags):
    health, wellbeing, sante, *_ = messy_tags
    client = logged_in(publisher())
    selection = {"action": "merge_selected_tags", "_selected_action": [health.pk, wellbeing.pk]}
    page = client.post("/admin/taggit/tag/", selection)
    assert page.status_code == 200
    assert "Keep this tag" in page.content.decode()
    response = client.post("/admin/taggit/tag/", {**selection, "into": health.pk}, follow=True)
    assert "Merged Wellbeing into “Health”" in response.content.decode()
    assert not Tag.objects.filter(pk=wellbeing.pk).exists()
    assert TagMerge.objects.get().merged_names == "Wellbeing"


def test_editors_cannot_merge_tags(messy_tags):
    page = logged_in(editor()).get("/admin/taggit/tag/").content.decode()
    assert "merge_selected_tags" not in page


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=st.sampled_from("ab ,\"'\\é%_\x00"), max_size=30))
def test_the_hint_never_fails_on_odd_text(text):
    result = logged_in_editor().get(HINT_URL, {"q": text})
    assert result.status_code == 200
    assert {"tags", "suggestions", "label"} <= set(result.json())


def logged_in_editor():
    user = User.objects.filter(username="fuzz").first() or editor("fuzz")
    return logged_in(user)


def test_a_merge_marks_the_kept_tags_feeds_as_changed(
    messy_tags, django_capture_on_commit_callbacks
):
    health, wellbeing, sante, *_ = messy_tags
    with django_capture_on_commit_callbacks(execute=True):
        merge_tags([wellbeing, sante], health)
    changed = set(FeedState.objects.exclude(changed_at=None).values_list("key", flat=True))
    assert {"news", f"tag:{health.pk}"} <= changed


def test_the_tag_list_shows_usage_and_a_visible_merge_button_with_plain_words(messy_tags):
    health, wellbeing, *_ = messy_tags
    client = logged_in(publisher())
    page = client.get("/admin/taggit/tag/").content.decode()
    assert 'value="merge_selected_tags"' in page and ">Merge tags</button>" in page
    row = page[page.index(">Health<") :]
    assert "1 announcement<" in row[: row.index("</tr>")]
    assert "Taggit" not in client.get("/admin/").content.decode()
    # The button alone (no action chosen in the menu) starts the merge of the ticked tags.
    response = client.post(
        "/admin/taggit/tag/",
        {"action": ["merge_selected_tags", ""], "_selected_action": [health.pk, wellbeing.pk]},
    )
    assert "Keep this tag" in response.content.decode()
    done = client.post(
        "/admin/taggit/tag/",
        {
            "action": "merge_selected_tags",
            "_selected_action": [health.pk, wellbeing.pk],
            "into": health.pk,
        },
        follow=True,
    ).content.decode()
    assert re.search(r"; \d+ items? re-tagged", done)
    assert "1 items" not in done
