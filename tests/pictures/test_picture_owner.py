"""One picture owner for announcements and members: same fields, same rules, each its own
renditions; the members' logo columns renamed without losing a logo."""

import datetime
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_delete

from announcements.models import Announcement
from dpga.models import LibraryPicture
from dpga.pictures.models import PictureOwner
from members.models import Member
from tests.factories import make_announcement, make_member, make_user

from .files import all_files, encode, photo, transparent_logo, upload

pytestmark = pytest.mark.django_db


def jpeg():
    return upload(encode(photo((640, 480)), "JPEG"), "photo.jpg")


def logo():
    return upload(transparent_logo(), "logo.png", "image/png")


def test_announcements_members_and_the_library_are_the_picture_owners_revisions_are_not():
    owners = {model for model in apps.get_models() if issubclass(model, PictureOwner)}
    assert owners == {Announcement, Member, LibraryPicture}
    for model in (Announcement, Member):
        assert not issubclass(model.history.model, PictureOwner)


def test_uploads_are_stored_where_they_always_were(storage):
    announcement = make_announcement(picture=jpeg(), picture_alt="A photo")
    member = make_member(picture=logo())
    month = datetime.datetime.now().strftime("%Y/%m")
    assert re.fullmatch(rf"announcements/{month}/photo\w*\.jpg", announcement.picture.name)
    assert re.fullmatch(r"members/logos/logo\w*\.png", member.picture.name)


def test_each_owner_makes_its_own_renditions(storage):
    announcement = make_announcement(picture=jpeg(), picture_alt="A photo")
    member = make_member(picture=logo())
    assert set(announcement.picture_renditions["sets"]) == {"main"}
    assert announcement.picture_renditions["card"]["width"] == 1200
    assert set(member.picture_renditions["sets"]) == {"small", "large"}
    assert "card" not in member.picture_renditions
    assert announcement.picture_width == 640, "an announcement keeps the original's facts"


def test_deleting_any_picture_owner_deletes_its_files_once_committed(storage, committed):
    owners = [
        make_announcement(picture=jpeg(), picture_alt="A photo"),
        make_member(picture=logo()),
    ]
    assert all_files(storage)
    for owner in owners:
        with committed():
            owner.delete()
    assert all_files(storage) == set()


def test_only_picture_owners_wait_for_the_file_clean_up_other_deletes_stay_fast():
    """A receiver for every model would turn Django's fast bulk deletes off everywhere."""
    assert post_delete.has_listeners(Announcement) and post_delete.has_listeners(Member)
    assert not post_delete.has_listeners(Session)
    assert not post_delete.has_listeners(Member.history.model)


def test_deleting_a_revision_keeps_the_files_it_names(storage, committed):
    member = make_member(picture=logo())
    files = all_files(storage)
    assert member.history.get().picture == member.picture.name
    with committed():
        member.history.all().delete()
    assert all_files(storage) == files


def test_the_alt_text_is_the_description_the_owners_default_or_nothing_when_decorative():
    member = Member(name="UNDP", picture="members/logos/undp.png")
    assert member.picture_alt_text == "Logo of UNDP"
    member.picture_alt = " UNDP's logo "
    assert member.picture_alt_text == "UNDP's logo"
    member.picture_decorative = True
    assert member.picture_alt_text == ""
    announcement = Announcement(title="News", picture="announcements/p.jpg")
    assert announcement.picture_alt_text == ""
    announcement.picture_alt = "A handshake"
    assert announcement.picture_alt_text == "A handshake"


def messages_of(obj):
    try:
        obj.clean()
    except ValidationError as error:
        return error.message_dict.get("picture_alt", [])
    return []


def test_an_announcement_picture_needs_a_description_or_the_decorative_flag():
    announcement = Announcement(title="News", slug="news", picture="announcements/p.jpg")
    assert "alt text is required" in messages_of(announcement)[0]
    announcement.picture_decorative = True
    assert messages_of(announcement) == []
    announcement.picture_alt = "A handshake"
    assert "A decorative picture has no description" in messages_of(announcement)[0]


def test_a_member_logo_may_go_undescribed_but_a_decorative_one_has_no_description():
    member = Member(name="UNDP", slug="undp", picture="members/logos/undp.png")
    assert messages_of(member) == []
    member.picture_decorative = True
    member.picture_alt = "UNDP"
    assert messages_of(member) == [
        "A decorative logo has no description: clear the alt text, or untick “decorative logo”."
    ]


def test_without_a_picture_there_is_nothing_to_describe():
    for owner in (Announcement(title="News", slug="news"), Member(name="UNDP", slug="undp")):
        owner.picture_decorative = True
        owner.picture_alt = "Left over"
        assert messages_of(owner) == []


@pytest.mark.django_db(transaction=True)
def test_renaming_the_logo_fields_keeps_every_logo_and_its_revisions():
    executor = MigrationExecutor(connection)
    executor.migrate([("members", "0004_translations")])
    old_apps = executor.loader.project_state([("members", "0004_translations")]).apps
    OldMember = old_apps.get_model("members", "Member")
    OldHistory = old_apps.get_model("members", "HistoricalMember")
    row = OldMember.objects.create(
        name="UNDP", slug="undp", logo="members/logos/undp.png", logo_alt="UNDP",
        logo_decorative=False, logo_renditions={"version": 1, "sets": {}}, language="en",
    )  # fmt: skip
    now = datetime.datetime.now(datetime.UTC)
    old_revision = OldHistory.objects.create(
        id=row.pk, name="UNDP", slug="undp", logo="members/logos/old.png", logo_alt="Old",
        logo_decorative=True, language="en", created_at=now, updated_at=now,
        history_type="+", history_date=now,
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    member = Member.objects.get(slug="undp")
    assert member.picture.name == "members/logos/undp.png"
    assert (member.picture_alt, member.picture_decorative) == ("UNDP", False)
    assert member.picture_renditions == {"version": 1, "sets": {}}
    # (Other tests' revisions may share the member's id: this one is found by its own.)
    revision = member.history.get(history_id=old_revision.history_id)
    assert (revision.picture, revision.picture_alt, revision.picture_decorative) == (
        "members/logos/old.png",
        "Old",
        True,
    )


def test_the_member_admin_still_calls_the_picture_a_logo(client, storage):
    client.force_login(make_user("root", superuser=True))
    member = make_member(picture=logo(), picture_alt="UNDP")
    form = client.get(f"/admin/members/member/{member.pk}/change/").content.decode()
    # The picture field's row is labelled "Logo:" (a <label>; a <legend> on Django 6).
    row = form.split('class="form-row field-picture">', 1)[1].split('class="form-row', 1)[0]
    assert re.search(r'(<label for="id_picture">|<legend>)Logo:<', row), row
    assert "Logo description (alt text)" in form and "Decorative logo" in form
    revision = client.get(f"/admin/members/member/{member.pk}/history/{member.history.get().pk}/")
    assert '<th scope="row">Logo</th>' in revision.content.decode()
    assert '<th scope="row">Picture</th>' not in revision.content.decode()
