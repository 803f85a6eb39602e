"""Draft → ready for review → published (→ draft): every step and who may take it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from announcements import workflow
from announcements.models import Announcement, Transition
from dpga.review.models import WorkingCopy

from .editorial import (
    admin_change_url,
    change_form_data,
    editor,
    logged_in,
    make_announcement,
    publisher,
)

pytestmark = pytest.mark.django_db
Status = Announcement.Status
NOW = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# The rules, on the model -------------------------------------------------------------


def test_an_editor_submits_a_draft_for_review_and_it_is_recorded(clock):
    edna = editor()
    draft = make_announcement(author=edna)
    step = workflow.perform(draft, "submit", edna, "Ready when you are.")
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    assert (step.from_status, step.to_status, step.by, step.at, step.comment) == (
        Status.DRAFT,
        Status.REVIEW,
        edna,
        NOW,
        "Ready when you are.",
    )
    assert not Announcement.objects.published().filter(pk=draft.pk).exists()


@pytest.mark.parametrize("action", ["publish", "send_back", "unpublish"])
def test_an_editor_may_not_publish_send_back_or_unpublish(clock, action):
    edna = editor()
    start = {"publish": Status.REVIEW, "send_back": Status.REVIEW, "unpublish": Status.PUBLISHED}
    announcement = make_announcement(status=start[action])
    with pytest.raises(workflow.TransitionRefused, match="Only publishers"):
        workflow.perform(announcement, action, edna, "a comment")
    announcement.refresh_from_db()
    assert announcement.status == start[action]
    assert not Transition.objects.exists()


def test_publishing_with_a_past_time_means_now(clock):
    paul = publisher()
    announcement = make_announcement(
        status=Status.REVIEW, publish_at=NOW - datetime.timedelta(days=3)
    )
    workflow.perform(announcement, "publish", paul)
    announcement.refresh_from_db()
    assert announcement.status == Status.PUBLISHED
    assert announcement.publish_at == NOW
    assert Announcement.objects.published().filter(pk=announcement.pk).exists()


def test_a_future_time_schedules_and_it_goes_live_without_a_worker(clock):
    paul = publisher()
    tomorrow = NOW + datetime.timedelta(days=1)
    announcement = make_announcement(status=Status.REVIEW, publish_at=tomorrow)
    step = workflow.perform(announcement, "publish", paul)
    assert step.publish_at == tomorrow
    assert announcement.is_scheduled
    assert not Announcement.objects.published().filter(pk=announcement.pk).exists()
    clock.move_to(tomorrow + datetime.timedelta(seconds=1))
    assert Announcement.objects.published().filter(pk=announcement.pk).exists()


def test_sending_back_needs_a_comment_and_keeps_it(clock):
    paul = publisher()
    announcement = make_announcement(status=Status.REVIEW)
    with pytest.raises(workflow.TransitionRefused, match="needs a comment"):
        workflow.perform(announcement, "send_back", paul, "   ")
    step = workflow.perform(announcement, "send_back", paul, "The second paragraph is unclear.")
    announcement.refresh_from_db()
    assert announcement.status == Status.DRAFT
    assert step.comment == "The second paragraph is unclear."


def test_a_publisher_unpublishes_back_to_draft(clock):
    paul = publisher()
    announcement = make_announcement(status=Status.PUBLISHED)
    workflow.perform(announcement, "unpublish", paul)
    announcement.refresh_from_db()
    assert announcement.status == Status.DRAFT


def test_steps_are_refused_from_the_wrong_state(clock):
    paul = publisher()
    announcement = make_announcement(status=Status.REVIEW)
    with pytest.raises(workflow.TransitionRefused, match="not possible from there"):
        workflow.perform(announcement, "submit", paul)
    with pytest.raises(workflow.TransitionRefused, match="not possible from there"):
        workflow.perform(announcement, "unpublish", paul)


def test_available_actions_follow_role_and_state(clock):
    edna, paul = editor(), publisher()
    draft = make_announcement()
    review = make_announcement(status=Status.REVIEW)
    live = make_announcement(status=Status.PUBLISHED)

    def names(announcement, user):
        return [action.name for action in workflow.available_actions(announcement, user)]

    assert names(draft, edna) == ["submit"]
    assert names(review, edna) == []
    assert names(live, edna) == []
    assert names(draft, paul) == ["submit", "publish"]
    assert names(review, paul) == ["publish", "send_back"]
    assert names(live, paul) == ["unpublish"]


# The same rules through the admin -----------------------------------------------------


def test_admin_offers_an_editor_no_published_status_and_refuses_one_posted(clock):
    edna = editor()
    draft = make_announcement(author=edna)
    client = logged_in(edna)
    form = client.get(admin_change_url(draft)).context["adminform"].form
    assert [value for value, _label in form.fields["status"].choices] == ["draft", "review"]
    response = client.post(
        admin_change_url(draft), change_form_data(draft, status="published", title="Better title")
    )
    assert response.status_code == 200  # the form again, with the text as typed
    assert "status" in response.context["adminform"].form.errors
    assert 'value="Better title"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_admin_editor_may_not_move_a_scheduled_time(clock):
    edna = editor()
    tomorrow = NOW + datetime.timedelta(days=1)
    scheduled = make_announcement(status=Status.PUBLISHED, publish_at=tomorrow)
    response = logged_in(edna).post(
        admin_change_url(scheduled),
        change_form_data(scheduled, publish_at=NOW - datetime.timedelta(hours=1)),
        follow=True,
    )
    scheduled.refresh_from_db()
    assert scheduled.publish_at == tomorrow
    assert "Only publishers may publish" in response.content.decode()
    assert not WorkingCopy.objects.of(scheduled).exists(), "nothing else changed"


def test_admin_editor_submits_with_the_button(clock):
    edna = editor()
    draft = make_announcement(author=edna)
    response = logged_in(edna).post(
        admin_change_url(draft), change_form_data(draft, _workflow="submit"), follow=True
    )
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    assert "is ready for review" in response.content.decode()
    assert Transition.objects.get().by == edna


def test_admin_send_back_without_a_comment_is_a_form_error(clock):
    paul = publisher()
    review = make_announcement(status=Status.REVIEW)
    response = logged_in(paul).post(
        admin_change_url(review), change_form_data(review, _workflow="send_back")
    )
    assert response.status_code == 200
    assert "sending back needs a comment" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Status.REVIEW


def test_admin_send_back_with_a_comment(clock):
    paul = publisher()
    review = make_announcement(status=Status.REVIEW)
    logged_in(paul).post(
        admin_change_url(review),
        change_form_data(review, _workflow="send_back", workflow_comment="Add a source."),
    )
    review.refresh_from_db()
    assert review.status == Status.DRAFT
    step = Transition.objects.get()
    assert (step.action, step.by, step.comment) == ("send_back", paul, "Add a source.")


def test_admin_shows_each_role_its_buttons_and_names_the_time_zone(clock, settings):
    settings.TIME_ZONE = "America/New_York"
    edna, paul = editor(), publisher()
    draft = make_announcement()
    as_editor = logged_in(edna).get(admin_change_url(draft)).content.decode()
    as_publisher = logged_in(paul).get(admin_change_url(draft)).content.decode()
    assert 'value="submit"' in as_editor
    assert 'value="publish"' not in as_editor
    assert 'value="publish"' in as_publisher
    assert "America/New_York (EDT, UTC-04:00)" in as_publisher


def test_admin_list_shows_go_live_times_with_their_zone(clock, settings):
    settings.TIME_ZONE = "Europe/Brussels"
    make_announcement(publish_at=datetime.datetime(2026, 1, 5, 8, 30, tzinfo=datetime.UTC))
    page = logged_in(publisher()).get("/admin/announcements/announcement/").content.decode()
    assert "5 Jan 2026, 09:30 CET" in page


def test_admin_actions_go_through_the_workflow(clock):
    paul = publisher()
    review = make_announcement(status=Status.REVIEW, publish_at=NOW + datetime.timedelta(days=2))
    client = logged_in(paul)
    client.post(
        "/admin/announcements/announcement/",
        {"action": "publish_now", "_selected_action": [review.pk]},
    )
    review.refresh_from_db()
    assert review.is_published
    assert review.publish_at == NOW
    client.post(
        "/admin/announcements/announcement/",
        {"action": "publish_now", "_selected_action": [review.pk]},
    )  # already live: nothing happens, nothing is recorded
    client.post(
        "/admin/announcements/announcement/",
        {"action": "unpublish", "_selected_action": [review.pk]},
    )
    review.refresh_from_db()
    assert review.status == Status.DRAFT
    assert list(Transition.objects.order_by("pk").values_list("action", flat=True)) == [
        "publish",
        "unpublish",
    ]


def test_editors_do_not_get_the_publishing_actions(clock):
    make_announcement()
    page = logged_in(editor()).get("/admin/announcements/announcement/").content.decode()
    assert 'value="submit_for_review"' in page
    assert 'value="publish_now"' not in page
    assert 'value="unpublish"' not in page


def test_workflow_steps_are_listed_on_the_change_form(clock):
    edna = editor()
    draft = make_announcement(author=edna)
    workflow.perform(draft, "submit", edna, "Look at the numbers.")
    page = logged_in(publisher()).get(admin_change_url(draft)).content.decode()
    assert "moved it from Draft to Ready for review" in page
    assert "Look at the numbers." in page
    assert timezone.localtime(NOW).strftime("%H:%M") in page


def test_the_workflow_log_lists_steps_with_zone_named_times(clock, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    edna = editor()
    workflow.perform(make_announcement(author=edna), "submit", edna, "Take a look.")
    page = logged_in(publisher()).get("/admin/announcements/transition/").content.decode()
    assert "4 May 2026, 17:30 IST" in page
    assert "Take a look." in page


@pytest.mark.parametrize("target, action", [("review", "submit"), ("published", "publish")])
def test_admin_status_select_takes_the_step_even_with_the_time_untouched(clock, target, action):
    # A publish time with whole seconds, as the admin form posts it back unchanged.
    draft = make_announcement(publish_at=NOW - datetime.timedelta(hours=2))
    response = logged_in(publisher()).post(
        admin_change_url(draft), change_form_data(draft, status=target), follow=True
    )
    draft.refresh_from_db()
    assert draft.status == target
    assert Transition.objects.get().action == action
    assert "changed successfully" in response.content.decode()
