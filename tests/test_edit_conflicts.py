"""Two people editing at once lose nothing: a save from a change form opened before
someone else's save is refused, naming who saved and what they changed, and the
editor's own text stays in the form to merge; saving again then goes through.
Announcements, members and translations alike (the admin's POST handling)."""

import re
import threading

import pytest
from django.db import connection
from django.utils.html import escape

from announcements.admin.announcement import AnnouncementAdmin
from announcements.models import Announcement, AnnouncementTranslation
from dpga.review.conflicts import OPENED_FIELD
from members.models import MemberTranslation

from .editorial import (
    admin_change_url,
    change_form_data,
    editor,
    ensure_roles,
    logged_in,
    make_announcement,
    make_member,
    publisher,
)

pytestmark = pytest.mark.django_db
Status = Announcement.Status


def opened(client, url):
    """The hidden record of what the change form showed when it was opened."""
    response = client.get(url)
    assert response.status_code == 200
    token = response.context["adminform"].form[OPENED_FIELD].value()
    assert f'name="{OPENED_FIELD}"' in response.content.decode()
    return token


def errors_of(response):
    return response.context["adminform"].form.non_field_errors()


def test_the_second_of_two_editors_is_refused_and_keeps_their_text():
    edna, paul = editor(), publisher()
    draft = make_announcement(title="First title", body="First body.", author=edna)
    url = admin_change_url(draft)
    edna_client, paul_client = logged_in(edna), logged_in(paul)
    edna_token = opened(edna_client, url)
    paul_token = opened(paul_client, url)

    # Paul saves first.
    response = paul_client.post(
        url, change_form_data(draft, title="Paul's title", **{OPENED_FIELD: paul_token})
    )
    assert response.status_code == 302

    # Edna's save, from the form she opened before, is refused.
    response = edna_client.post(
        url, change_form_data(draft, body="Edna's careful body.", **{OPENED_FIELD: edna_token})
    )
    assert response.status_code == 200
    [first, *changes] = errors_of(response)
    assert first.startswith("Paul Publisher saved this page at")
    assert changes == ["Title: “First title” → “Paul's title”"]
    page = response.content.decode()
    assert escape(first) in page
    assert "Edna&#x27;s careful body." in page, "her text stays in the form"
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("Paul's title", "First body.")

    # Having merged, she saves again from the refused form: it goes through.
    fresh = response.context["adminform"].form[OPENED_FIELD].value()
    assert fresh != edna_token
    response = edna_client.post(
        url,
        change_form_data(
            draft, title="Paul's title", body="Edna's careful body.", **{OPENED_FIELD: fresh}
        ),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("Paul's title", "Edna's careful body.")


def test_a_save_with_nobody_in_between_goes_through():
    edna = editor()
    draft = make_announcement(title="Alone")
    client = logged_in(edna)
    token = opened(client, admin_change_url(draft))
    response = client.post(
        admin_change_url(draft), change_form_data(draft, title="Still alone", opened_as=token)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Still alone"


def test_a_tampered_record_is_refused_without_a_500():
    draft = make_announcement(title="Kept")
    client = logged_in(editor())
    response = client.post(
        admin_change_url(draft), change_form_data(draft, title="Forced", opened_as="forged:x")
    )
    assert response.status_code == 200
    assert "could not be checked" in errors_of(response)[0]
    draft.refresh_from_db()
    assert draft.title == "Kept"


def test_two_editors_of_one_pending_change_do_not_overwrite_each_other():
    live = make_announcement(title="Live", status=Status.PUBLISHED)
    anna, bert = editor("anna"), editor("bert")
    anna.first_name, anna.last_name = "Anna", "Author"
    anna.save()
    url = admin_change_url(live)
    anna_client, bert_client = logged_in(anna), logged_in(bert)
    anna_token, bert_token = opened(anna_client, url), opened(bert_client, url)
    anna_client.post(url, change_form_data(live, title="Anna's", opened_as=anna_token))
    response = bert_client.post(url, change_form_data(live, summary="Bert's", opened_as=bert_token))
    assert response.status_code == 200
    [first, *changes] = errors_of(response)
    assert first.startswith("Anna Author saved this page")
    assert changes == ["Title: “Live” → “Anna's”"]


def member_data(form, **changes):
    """What the change form posts as it was shown, with changes."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "picture" or value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    data.update(changes)
    return data


def test_two_people_saving_one_member():
    member = make_member(name="WHO", slug="who", description="Old description.")
    url = f"/admin/members/member/{member.pk}/change/"
    pat, paul = publisher("pat"), publisher()
    first, second = logged_in(pat), logged_in(paul)
    first_form = first.get(url).context["adminform"].form
    second_form = second.get(url).context["adminform"].form
    response = first.post(url, member_data(first_form, description="Pat's description."))
    assert response.status_code == 302
    response = second.post(url, member_data(second_form, country="Switzerland"))
    assert response.status_code == 200
    [_first, *changes] = errors_of(response)
    assert changes == ["Description: “Old description.” → “Pat's description.”"]
    assert 'value="Switzerland"' in response.content.decode()
    member.refresh_from_db()
    assert (member.description, member.country) == ("Pat's description.", "")


@pytest.mark.parametrize("kind", ["announcement", "member"])
def test_two_people_saving_one_translation(kind):
    if kind == "announcement":
        source = make_announcement(title="Draft")
        translation = AnnouncementTranslation.objects.create(
            announcement=source, language="fr", title="Titre", slug="titre", summary="Résumé."
        )
        field, label = "summary", "Summary"
    else:
        source = make_member(name="WHO", slug="who", joined_on=None)
        translation = MemberTranslation.objects.create(
            member=source, language="fr", description="Texte."
        )
        field, label = "description", "Description"
    meta = translation._meta
    url = f"/admin/{meta.app_label}/{meta.model_name}/{translation.pk}/change/"
    first, second = logged_in(editor("one")), logged_in(editor("two"))
    first_form = first.get(url).context["adminform"].form
    second_form = second.get(url).context["adminform"].form
    assert first.post(url, member_data(first_form, **{field: "Premier."})).status_code == 302
    response = second.post(url, member_data(second_form, **{field: "Second."}))
    assert response.status_code == 200
    [_first, *changes] = errors_of(response)
    old = re.sub(r"\s+", " ", getattr(type(translation).objects.get(pk=translation.pk), field))
    assert old == "Premier."
    assert changes[0].startswith(f"{label}: “")
    assert changes[0].endswith("→ “Premier.”")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL (set DATABASE_URL=postgres://...); SQLite lets one "
    "writer at a time in, and refuses the other",
)
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_are_checked_one_after_the_other(monkeypatch):
    """Paul's save has passed its check and is still writing when Edna's arrives: hers
    waits for his to commit, then is checked against it and refused; nothing is lost."""
    ensure_roles()  # committed data: the roles of the data migrations may have been flushed
    edna, paul = editor(), publisher()
    draft = make_announcement(title="First title", body="First body.", author=edna)
    url = admin_change_url(draft)
    edna_client, paul_client = logged_in(edna), logged_in(paul)
    edna_token, paul_token = opened(edna_client, url), opened(paul_client, url)

    paul_writing, paul_may_commit = threading.Event(), threading.Event()
    save_model = AnnouncementAdmin.save_model

    def slow_for_paul(self, request, obj, form, change):
        if request.user.pk == paul.pk:
            paul_writing.set()
            assert paul_may_commit.wait(10)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(AnnouncementAdmin, "save_model", slow_for_paul)
    answers = {}

    def post(name, client, data):
        try:
            answers[name] = client.post(url, data)
        finally:
            connection.close()  # this thread's own connection

    paul_data = change_form_data(draft, title="Paul's title", **{OPENED_FIELD: paul_token})
    edna_data = change_form_data(draft, body="Edna's body.", **{OPENED_FIELD: edna_token})
    paul_thread = threading.Thread(target=post, args=("paul", paul_client, paul_data))
    edna_thread = threading.Thread(target=post, args=("edna", edna_client, edna_data))
    paul_thread.start()
    assert paul_writing.wait(10)
    edna_thread.start()
    edna_thread.join(2)
    waited = edna_thread.is_alive()
    paul_may_commit.set()
    paul_thread.join(10)
    edna_thread.join(10)

    assert waited, "Edna's save went through while Paul's was still being written"
    assert answers["paul"].status_code == 302
    assert answers["edna"].status_code == 200
    assert errors_of(answers["edna"])[0].startswith("Paul Publisher saved this page at")
    assert "Edna&#x27;s body." in answers["edna"].content.decode(), "her text stays"
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("Paul's title", "First body.")
