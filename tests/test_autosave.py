"""Nothing lost while writing: the announcement and member forms are saved automatically
into their author's own working copy (never public, never a pending change, never the
live row), restored with a notice when the author comes back, discarded on request, and
cleared by a normal save. Only people who may change the item may autosave it."""

import pytest
from django.test import Client

from announcements.models import Announcement
from dpga.caching import content_version
from dpga.review.models import WorkingCopy

from .editorial import (
    admin_change_url,
    change_form_data,
    editor,
    logged_in,
    make_announcement,
    make_member,
    make_user,
    publisher,
)

pytestmark = pytest.mark.django_db
Status = Announcement.Status
ADD = "/admin/announcements/announcement/add/"
RESTORED = "Restored your unsaved changes from"


def autosave_url(announcement):
    return f"{admin_change_url(announcement).removesuffix('change/')}autosave/"


def discard_url(announcement):
    return autosave_url(announcement) + "discard/"


def public(path):
    return Client().get(path).content.decode()


def shown(client, url, field="body"):
    """The value the form, as opened, shows in `field`, and the page."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["adminform"].form[field].value(), response.content.decode()


@pytest.fixture
def live():
    return make_announcement(
        title="Live title", slug="live-title", body="Approved body.", status=Status.PUBLISHED
    )


def test_an_autosave_is_kept_for_its_author_and_changes_nothing_public(live):
    edna = logged_in(editor())
    version = content_version.current_version()
    feed = public("/news/feed/rss/")

    response = edna.post(autosave_url(live), change_form_data(live, body="Half-written."))
    assert response.status_code == 200
    assert "Saved automatically at" in response.json()["message"]

    live.refresh_from_db()
    assert live.body == "Approved body."
    assert "Approved body." in public("/news/live-title/")
    assert "Half-written" not in public("/news/live-title/")
    assert public("/news/feed/rss/") == feed
    assert content_version.current_version() == version
    # Not a pending change: publishers have nothing to approve.
    assert not WorkingCopy.objects.of(live).exists()
    paul = logged_in(publisher())
    assert "Half-written" not in paul.get("/admin/dpga/workingcopy/").content.decode()
    assert (
        paul.get("/admin/announcements/announcement/?pending=yes").context["cl"].result_count == 0
    )
    autosave = WorkingCopy.objects.autosaves().get()
    assert paul.post(f"/admin/dpga/workingcopy/{autosave.pk}/approve/").status_code == 404
    live.refresh_from_db()
    assert live.body == "Approved body."


def test_the_author_finds_the_text_restored_with_a_notice_and_others_do_not(live):
    edna = logged_in(editor())
    edna.post(autosave_url(live), change_form_data(live, title="Better title", body="Draft."))

    body, page = shown(edna, admin_change_url(live))
    assert body == "Draft."
    assert 'value="Better title"' in page
    assert RESTORED in page and "Discard" in page

    body, page = shown(logged_in(editor("alex")), admin_change_url(live))
    assert body == "Approved body." and RESTORED not in page
    body, page = shown(logged_in(publisher()), admin_change_url(live))
    assert body == "Approved body." and RESTORED not in page


def test_discarding_deletes_the_autosave_and_shows_the_live_text(live):
    edna = logged_in(editor())
    edna.post(autosave_url(live), change_form_data(live, body="Draft."))
    response = edna.post(discard_url(live))
    assert response.status_code == 302
    assert response["Location"] == admin_change_url(live)
    assert not WorkingCopy.objects.autosaves().exists()
    body, page = shown(edna, admin_change_url(live))
    assert body == "Approved body." and RESTORED not in page
    assert "Your unsaved changes were discarded." in page


def test_saving_a_draft_clears_the_autosave():
    draft = make_announcement(title="Draft", slug="draft", body="First.", status=Status.DRAFT)
    edna = logged_in(editor())
    edna.post(autosave_url(draft), change_form_data(draft, body="Second."))
    response = edna.post(admin_change_url(draft), change_form_data(draft, body="Second."))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body == "Second."
    assert not WorkingCopy.objects.autosaves().exists()
    body, page = shown(edna, admin_change_url(draft))
    assert body == "Second." and RESTORED not in page


def test_an_editors_save_of_published_news_becomes_the_pending_change_and_clears_the_autosave(
    live,
):
    edna = logged_in(editor())
    edna.post(autosave_url(live), change_form_data(live, body="Proposed body."))
    response = edna.post(admin_change_url(live), change_form_data(live, body="Proposed body."))
    assert response.status_code == 302
    pending = WorkingCopy.objects.of(live).get()
    assert pending.data["body"] == "Proposed body."
    assert not WorkingCopy.objects.autosaves().exists()
    live.refresh_from_db()
    assert live.body == "Approved body."


def test_an_autosave_never_touches_someone_elses_pending_change(live):
    edna, alex = logged_in(editor()), logged_in(editor("alex"))
    edna.post(admin_change_url(live), change_form_data(live, body="Edna's proposal."))
    pending = WorkingCopy.objects.of(live).get()

    alex.post(autosave_url(live), change_form_data(live, body="Alex writing."))
    pending.refresh_from_db()
    assert pending.data["body"] == "Edna's proposal."
    assert WorkingCopy.objects.of(live).get().pk == pending.pk
    assert WorkingCopy.objects.autosaves().get().author.username == "alex"
    # Edna still keeps editing her proposal, not Alex's text.
    assert shown(edna, admin_change_url(live))[0] == "Edna's proposal."
    assert shown(alex, admin_change_url(live))[0] == "Alex writing."


def test_an_autosave_older_than_the_live_item_is_not_restored(live):
    edna = logged_in(editor())
    edna.post(autosave_url(live), change_form_data(live, body="Stale draft."))
    paul = logged_in(publisher())
    response = paul.post(admin_change_url(live), change_form_data(live, body="Paul's body."))
    assert response.status_code == 302
    body, page = shown(edna, admin_change_url(live))
    assert body == "Paul's body." and RESTORED not in page


def test_a_new_announcement_is_autosaved_for_its_author_and_restored_on_the_add_form():
    edna = logged_in(editor())
    response = edna.post(ADD + "autosave/", {"title": "Brand new", "body": "Unfinished."})
    assert response.status_code == 200
    autosave = WorkingCopy.objects.autosaves().get()
    assert autosave.object_id is None
    assert not Announcement.objects.exists()

    body, page = shown(edna, ADD)
    assert body == "Unfinished." and RESTORED in page
    assert shown(logged_in(editor("alex")), ADD)[0] in (None, "")

    # A second autosave replaces the first.
    edna.post(ADD + "autosave/", {"title": "Brand new", "body": "Finished."})
    assert WorkingCopy.objects.autosaves().get().data["body"] == "Finished."

    draft = make_announcement(title="Model", slug="model", status=Status.DRAFT)
    data = change_form_data(draft, title="Brand new", slug="brand-new", body="Finished.")
    response = edna.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Announcement.objects.filter(slug="brand-new").exists()
    assert not WorkingCopy.objects.autosaves().exists()


def test_discarding_a_new_announcements_autosave_returns_to_the_empty_form():
    edna = logged_in(editor())
    edna.post(ADD + "autosave/", {"title": "Brand new", "body": "Unfinished."})
    response = edna.post(ADD + "autosave/discard/", {"body": "Unfinished."})
    assert response.status_code == 302 and response["Location"] == ADD
    assert not WorkingCopy.objects.autosaves().exists()


def test_the_member_form_is_autosaved_too():
    member = make_member(name="UNICEF", slug="unicef", description="Approved.")
    url = f"/admin/members/member/{member.pk}/"
    client = logged_in(editor())
    response = client.post(url + "autosave/", {"name": "UNICEF", "description": "Changed."})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.description == "Approved."
    value, page = shown(client, url + "change/", "description")
    assert value == "Changed." and RESTORED in page


def test_only_people_who_may_change_the_item_may_autosave_it(live):
    data = change_form_data(live, body="Sneaky.")
    assert Client().post(autosave_url(live), data).status_code == 302  # to the login page
    assert logged_in(make_user("visitor")).post(autosave_url(live), data).status_code == 403
    assert logged_in(make_user("visitor2")).post(ADD + "autosave/", data).status_code == 403
    assert not WorkingCopy.objects.exists()


def test_an_autosave_needs_the_csrf_token(live):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor())
    data = change_form_data(live, body="Draft.")
    assert client.post(autosave_url(live), data).status_code == 403
    client.get(admin_change_url(live))  # sets the CSRF cookie, as opening the form does
    token = next(cookie.value for name, cookie in client.cookies.items() if "csrf" in name)
    response = client.post(autosave_url(live), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert WorkingCopy.objects.autosaves().count() == 1


@pytest.mark.parametrize(
    "method, path, data, status",
    [
        ("get", "{item}autosave/", None, 405),
        ("get", "{item}autosave/discard/", None, 405),
        ("post", "{item}autosave/", {"body": "Nul \x00 byte"}, 400),
        ("post", "{item}autosave/", {}, 400),
        ("post", "{item}autosave/", {"unknown": "field"}, 400),
        ("post", "/admin/announcements/announcement/999999/autosave/", {"body": "x"}, 404),
        ("post", "/admin/announcements/announcement/not-a-number/autosave/", {"body": "x"}, 404),
        ("post", "/admin/announcements/announcement/999999/autosave/discard/", {}, 404),
    ],
)
def test_bad_autosaves_get_a_clear_answer_and_store_nothing(live, method, path, data, status):
    client = logged_in(editor())
    url = path.format(item=admin_change_url(live).removesuffix("change/"))
    response = (
        getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    )
    assert response.status_code == status
    assert not WorkingCopy.objects.exists()
    live.refresh_from_db()
    assert live.body == "Approved body."


def test_the_form_loads_the_autosave_script_and_says_where_to_post(live):
    page = logged_in(editor()).get(admin_change_url(live)).content.decode()
    assert '<script src="/static/editorial/autosave.js"' in page
    assert f'data-autosave-url="{autosave_url(live)}"' in page
    page = logged_in(editor("alex")).get(ADD).content.decode()
    assert f'data-autosave-url="{ADD}autosave/"' in page
