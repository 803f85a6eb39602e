"""No orphan files; `rebuild_renditions` regenerates everything and is safe to run twice."""

import io

import pytest
from django.core.management import call_command

from announcements.models import Announcement
from dpga.pictures import renditions
from members.models import Member
from tests.factories import make_announcement, make_member

from .files import (
    all_files,
    encode,
    has_location_or_camera,
    phone_jpeg,
    photo,
    transparent_logo,
    upload,
)
from .test_upload_checks import announcement_form, member_form

pytestmark = pytest.mark.django_db


def files_of(obj, field):
    data = getattr(obj, f"{field}_renditions")
    return {getattr(obj, field).name, *renditions.file_names(data)} - {""}


def jpeg(size=(700, 500)):
    return encode(photo(size), "JPEG")


def test_replacing_a_picture_in_the_admin_deletes_the_old_files(admin_client, storage, committed):
    with committed():
        response = admin_client.post(
            "/admin/announcements/announcement/add/",
            announcement_form(picture=upload(jpeg(), "first.jpg"), picture_alt="First"),
        )
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    first = files_of(announcement, "picture")
    assert all_files(storage) == first

    with committed():
        admin_client.post(
            f"/admin/announcements/announcement/{announcement.pk}/change/",
            announcement_form(picture=upload(jpeg((900, 600)), "second.jpg"), picture_alt="Second"),
        )
    announcement.refresh_from_db()
    second = files_of(announcement, "picture")
    assert not first & second
    assert all_files(storage) == second


def test_clearing_a_picture_deletes_it_and_its_renditions(admin_client, storage, committed):
    announcement = make_announcement(picture=upload(jpeg(), "p.jpg"), picture_alt="P")
    assert all_files(storage) == files_of(announcement, "picture")
    with committed():
        response = admin_client.post(
            f"/admin/announcements/announcement/{announcement.pk}/change/",
            announcement_form(**{"picture-clear": "on", "picture_alt": ""}),
        )
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert not announcement.picture
    assert announcement.picture_bytes is None and announcement.picture_type == ""
    # only the title share card is left
    assert all_files(storage) == {announcement.picture_renditions["card"]["name"]}


def test_deleting_an_announcement_deletes_all_its_files(storage, committed):
    keep = make_announcement(picture=upload(jpeg(), "keep.jpg"), picture_alt="Keep")
    gone = make_announcement(picture=upload(jpeg(), "gone.jpg"), picture_alt="Gone")
    with committed():
        gone.delete()
    assert all_files(storage) == files_of(keep, "picture")


def test_bulk_deletion_also_deletes_the_files(storage, committed):
    for n in range(2):
        make_announcement(picture=upload(jpeg(), f"{n}.jpg"), picture_alt="P")
        make_member(picture=upload(transparent_logo(), f"{n}.png", "image/png"))
    with committed():
        Announcement.objects.all().delete()
        Member.objects.all().delete()
    assert all_files(storage) == set()


def test_changing_or_deleting_a_logo_leaves_no_orphans(admin_client, storage, committed):
    with committed():
        admin_client.post(
            "/admin/members/member/add/",
            member_form(picture=upload(transparent_logo(), "a.png", "image/png")),
        )
    member = Member.objects.get()
    assert all_files(storage) == files_of(member, "picture")
    assert len(files_of(member, "picture")) == 1 + 8
    with committed():
        admin_client.post(
            f"/admin/members/member/{member.pk}/change/",
            member_form(picture=upload(encode(photo((200, 120)), "JPEG"), "b.jpg")),
        )
    member.refresh_from_db()
    assert member.picture.name.endswith(".jpg")
    assert all_files(storage) == files_of(member, "picture")
    with committed():
        admin_client.post(f"/admin/members/member/{member.pk}/delete/", {"post": "yes"})
    assert not Member.objects.exists()
    assert all_files(storage) == set()


def test_a_rolled_back_change_keeps_the_old_files(storage, django_capture_on_commit_callbacks):
    announcement = make_announcement(picture=upload(jpeg(), "p.jpg"), picture_alt="P")
    before = files_of(announcement, "picture")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        announcement.picture = upload(jpeg(), "q.jpg")
        announcement.save()
    assert callbacks, "old files are only deleted once the change is committed"
    assert before <= all_files(storage)


def rebuild(**options):
    out = io.StringIO()
    call_command("rebuild_renditions", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_rebuild_is_idempotent(storage, committed):
    announcements = [
        make_announcement(picture=upload(jpeg(), "a.jpg"), picture_alt="A"),
        make_announcement(),
    ]
    member = make_member(picture=upload(transparent_logo(), "l.png", "image/png"))
    updated = {a.pk: a.updated_at for a in announcements}
    with committed():
        first_output = rebuild()
    files_after_first = all_files(storage)
    data_after_first = {a.pk: a.picture_renditions for a in Announcement.objects.all()}
    with committed():
        rebuild()
    assert all_files(storage) == files_after_first
    assert {a.pk: a.picture_renditions for a in Announcement.objects.all()} == data_after_first
    expected = set()
    for announcement in Announcement.objects.all():
        expected |= files_of(announcement, "picture")
    member.refresh_from_db()
    expected |= files_of(member, "picture")
    assert files_after_first == expected
    assert "announcements" in first_output and "[" + "#" * 30 + "] 2/2" in first_output
    assert "Renditions rebuilt: 2 announcements, 1 members, 0 library." in first_output
    for announcement in Announcement.objects.all():
        assert announcement.updated_at == updated[announcement.pk], "feeds see no change"


def test_rebuild_recreates_missing_renditions_and_removes_stale_ones(storage, committed):
    announcement = make_announcement(picture=upload(jpeg(), "a.jpg"), picture_alt="A")
    names = files_of(announcement, "picture")
    missing = sorted(renditions.file_names(announcement.picture_renditions))[0]
    storage.delete(missing)
    Announcement.objects.filter(pk=announcement.pk).update(
        picture_renditions={
            **announcement.picture_renditions,
            "card": {
                "name": "renditions/cards/stale.png",
                "width": 1,
                "height": 1,
                "type": "image/png",
                "key": "stale",
            },
        }
    )
    storage.save("renditions/cards/stale.png", io.BytesIO(b"x"))
    with committed():
        rebuild(only="announcements")
    assert storage.exists(missing)
    assert all_files(storage) == names


def test_rebuild_cleans_old_originals_that_still_carry_metadata(storage, committed):
    name = storage.save("announcements/2020/01/legacy.jpg", io.BytesIO(phone_jpeg()))
    announcement = make_announcement()
    Announcement.objects.filter(pk=announcement.pk).update(picture=name, picture_alt="Legacy")
    with committed():
        rebuild()
    announcement.refresh_from_db()
    with storage.open(announcement.picture.name) as handle:
        assert not has_location_or_camera(handle.read())
    assert announcement.picture_bytes == storage.size(announcement.picture.name)
    assert all_files(storage) == files_of(announcement, "picture")


def test_pointing_back_at_a_deleted_picture_drops_it_instead_of_failing(storage, committed):
    """Restoring an old revision names a picture whose file was deleted when it was
    replaced: the announcement comes back without it, never with a broken picture."""
    with committed():
        announcement = make_announcement(picture=upload(jpeg(), "old.jpg"), picture_alt="Old")
    old_name = announcement.picture.name
    with committed():
        announcement.picture = upload(jpeg(), "new.jpg")
        announcement.save()
    assert not storage.exists(old_name)
    announcement.picture.name = old_name  # what a restore does
    with committed():
        announcement.save()
    announcement.refresh_from_db()
    assert not announcement.picture and announcement.picture_bytes is None
    assert all_files(storage) == {announcement.picture_renditions["card"]["name"]}
