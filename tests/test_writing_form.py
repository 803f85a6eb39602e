"""The announcement form as a writing page: the next step is the main button at the top,
the latest review comment is above the form, the summary is counted, Markdown is
explained, and only the statuses a person may set are offered."""

import datetime
import re

import pytest
from django.utils import timezone

from announcements import workflow
from announcements.models import Announcement

from .editorial import admin_change_url, editor, logged_in, make_announcement, publisher

pytestmark = pytest.mark.django_db
Status = Announcement.Status


def action_bar(page):
    start = page.index('class="submit-row writing-bar"')
    return page[start : page.index("</div>", start)]


def main_button(page):
    match = re.search(r"<button[^>]*writing-bar__main[^>]*>([^<]*)</button>", action_bar(page))
    return match.group(1) if match else None


def test_an_editors_main_button_on_a_draft_is_submit_for_review_and_save_is_beside_it():
    edna = editor()
    draft = make_announcement(author=edna)
    page = logged_in(edna).get(admin_change_url(draft)).content.decode()
    bar = action_bar(page)
    assert main_button(page) == "Submit for review"
    assert 'name="_continue"' in bar and 'value="Save"' in bar
    # Save comes first, so Enter in a field saves rather than submits.
    assert bar.index('name="_continue"') < bar.index("writing-bar__main")
    assert "State:</span> Draft" in bar
    # The bar comes before the first field.
    assert page.index("writing-bar") < page.index('name="title"')


def test_a_publishers_main_button_is_publish_or_schedule_and_scheduled_is_a_state():
    paul = publisher()
    review = make_announcement(status=Status.REVIEW)
    page = logged_in(paul).get(admin_change_url(review)).content.decode()
    assert main_button(page) == "Publish"
    assert "Send back with a comment" in action_bar(page)
    later = make_announcement(publish_at=timezone.now() + datetime.timedelta(days=2))
    assert main_button(logged_in(paul).get(admin_change_url(later)).content.decode()) == "Schedule"
    scheduled = make_announcement(
        status=Status.PUBLISHED, publish_at=timezone.now() + datetime.timedelta(days=2)
    )
    page = logged_in(paul).get(admin_change_url(scheduled)).content.decode()
    assert "State:</span> Scheduled: goes live" in action_bar(page)
    assert main_button(page) is None  # saving is the main thing left; unpublish is beside it


def test_the_latest_review_comment_is_shown_above_the_form():
    edna, paul = editor(), publisher()
    draft = make_announcement(author=edna)
    workflow.perform(draft, "submit", edna)
    workflow.perform(draft, "send_back", paul, "Add the date of the signing, please.")
    page = logged_in(edna).get(admin_change_url(draft)).content.decode()
    comment = page.index("Add the date of the signing, please.")
    assert "Sent back for changes" in page
    assert comment < page.index('name="title"')


def test_summary_is_a_counted_box_of_300_characters_and_the_body_explains_markdown():
    edna = editor()
    page = logged_in(edna).get("/admin/announcements/announcement/add/").content.decode()
    summary = re.search(r"<textarea[^>]*name=\"summary\"[^>]*>", page).group(0)
    assert 'maxlength="300"' in summary and 'data-count-limit="300"' in summary
    assert "<code>**bold**</code>" in page
    assert 'href="/admin/dpga/librarypicture/"' in page
    assert 'data-picture-chooser="/admin/dpga/librarypicture/choose/"' in page


def test_statuses_offered_follow_the_person():
    edna, paul = editor(), publisher()
    draft = make_announcement(author=edna)
    for person, expected in ((edna, ["draft", "review"]), (paul, ["draft", "review", "published"])):
        form = logged_in(person).get(admin_change_url(draft)).context["adminform"].form
        assert [value for value, _label in form.fields["status"].choices] == expected


def test_the_list_shows_scheduled_as_a_state_of_its_own_and_filters_by_it():
    make_announcement(title="Live now", status=Status.PUBLISHED)
    make_announcement(
        title="Goes live Friday",
        status=Status.PUBLISHED,
        publish_at=timezone.now() + datetime.timedelta(days=2),
    )
    make_announcement(title="Still a draft")
    client = logged_in(publisher())
    listing = client.get("/admin/announcements/announcement/").content.decode()
    row = listing[listing.index("Goes live Friday") :]
    assert "Scheduled" in row[: row.index("</tr>")]
    scheduled = client.get("/admin/announcements/announcement/?state=scheduled").content.decode()
    assert "Goes live Friday" in scheduled and "Live now" not in scheduled
    live = client.get("/admin/announcements/announcement/?state=published").content.decode()
    assert "Live now" in live and "Goes live Friday" not in live
