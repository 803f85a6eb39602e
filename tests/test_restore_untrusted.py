"""`manage.py restore` trusts nothing in the archive.

An archive may have been edited, or made by someone else: its stored HTML is
rendered again from the Markdown, only pictures that a restored row refers to
are written to the media folder, and an archive that is broken or hostile
(paths out of the folder, links, not a tar, cut short) is refused with a
clear message, before anything is restored.
"""

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command

from announcements.models import Announcement, AnnouncementTranslation
from members.models import Member, MemberTranslation

from .factories import image_bytes, image_upload, make_announcement, make_member

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('restored')</script>"


def archive_members(path):
    """[(TarInfo, bytes or None)] of an archive, in order."""
    with tarfile.open(path) as tar:
        return [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers()]


def write_archive(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return path


def file_entry(name, data):
    return tarfile.TarInfo(name), data


def link_entry(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


def edited(path, destination, change_data=None, replace=None, extra=()):
    """A copy of the archive with data.json changed, some files replaced, some added."""
    members = []
    for info, data in archive_members(path):
        if info.name == "data.json" and change_data:
            objects = json.loads(data)
            change_data(objects)
            data = json.dumps(objects).encode()
        if replace and info.name in replace:
            data = replace[info.name]
        members.append((info, data))
    return write_archive(destination, [*members, *extra])


def restore(archive, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("restore", str(archive), overwrite=True, stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


@pytest.fixture
def backed_up(tmp_path):
    """A site with a picture, a logo and translations, and its backup."""
    member = make_member(
        slug="who", name="WHO", description="Health *for all*.", picture=image_upload("who.png")
    )
    MemberTranslation.objects.create(member=member, language="fr", description="La *santé*.")
    announcement = make_announcement(
        slug="vaccines",
        title="Vaccines",
        body="Vaccines **arrive**.",
        members=[member],
        picture=image_upload("vaccines.png"),
        picture_alt="A vial",
    )
    AnnouncementTranslation.objects.create(
        announcement=announcement,
        language="fr",
        title="Vaccins",
        slug="vaccins",
        summary="Les vaccins.",
        body="Les vaccins **arrivent**.",
    )
    archive = tmp_path / "site.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    return {"archive": archive, "announcement": announcement, "member": member}


def test_restored_pages_show_the_markdown_rendered_again_never_the_archives_html(
    client, tmp_path, backed_up
):
    def inject(objects):
        for obj in objects:
            fields = obj["fields"]
            for name in ("body_html", "description_html"):
                if name in fields:
                    fields[name] = SCRIPT
        assert sum(SCRIPT in json.dumps(o) for o in objects) == 4

    archive = edited(backed_up["archive"], tmp_path / "edited.tar.gz", change_data=inject)
    restore(archive)
    pages = ["/news/vaccines/", "/fr/news/vaccins/", "/members/who/", "/fr/members/who/"]
    for page in pages:
        html = client.get(page).content.decode()
        assert "<script>alert" not in html, page
    assert "<strong>arrive</strong>" in client.get("/news/vaccines/").content.decode()
    assert "<strong>arrivent</strong>" in client.get("/fr/news/vaccins/").content.decode()
    assert "<em>for all</em>" in client.get("/members/who/").content.decode()
    assert "<em>santé</em>" in client.get("/fr/members/who/").content.decode()
    for model, field in [
        (Announcement, "body_html"),
        (AnnouncementTranslation, "body_html"),
        (Member, "description_html"),
        (MemberTranslation, "description_html"),
    ]:
        assert not model.objects.filter(**{f"{field}__contains": "<script"}).exists()


def test_only_pictures_a_restored_row_refers_to_are_written(
    tmp_path, settings, backed_up, media_root
):
    announcement, member = backed_up["announcement"], backed_up["member"]
    logo = f"media/{member.picture.name}"
    archive = edited(
        backed_up["archive"],
        tmp_path / "edited.tar.gz",
        # The logo's file is now a page with a script; its name is still the logo's.
        replace={logo: b"<html><script>alert(1)</script></html>"},
        extra=[
            file_entry("media/evil.html", b"<script>alert(1)</script>"),
            file_entry("media/announcements/unused.png", image_bytes()),
            # A real picture under a name a browser would read as a page.
            file_entry("media/announcements/picture.html", image_bytes()),
        ],
    )
    settings.MEDIA_ROOT = restored = tmp_path / "restored-media"
    output = restore(archive)
    written = {p.relative_to(restored).as_posix() for p in restored.rglob("*") if p.is_file()}
    assert announcement.picture.name in written
    assert all(name.endswith((".png", ".jpg", ".webp")) for name in written), written
    assert member.picture.name not in written
    assert not {"evil.html", "announcements/unused.png", "announcements/picture.html"} & written
    assert member.picture.name in output and "not a picture" in output
    assert "evil.html" in output
    assert "Restored" in output


def tar_bytes(*entries):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in entries:
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return buffer.getvalue()


MANIFEST = file_entry("manifest.json", json.dumps({"format": 1, "objects": {}}).encode())
DATA = file_entry("data.json", b"[]")
PNG = image_bytes()


def hostile_archives(valid):
    """name -> (archive bytes, what the refusal says)."""
    return {
        "not a tar": (b"This is not an archive at all.\n", "not a backup archive"),
        "a gzip header, then garbage": (b"\x1f\x8b garbage", "not a backup archive"),
        "cut short": (valid[: len(valid) // 2], "damaged"),
        "path out of the folder": (
            tar_bytes(MANIFEST, DATA, file_entry("../escaped.txt", b"x")),
            "outside",
        ),
        "deep path out of the folder": (
            tar_bytes(MANIFEST, DATA, file_entry("media/../../escaped.png", PNG)),
            "outside",
        ),
        "absolute path": (
            tar_bytes(MANIFEST, DATA, file_entry("/tmp/escaped.png", PNG)),
            "outside",
        ),
        "symbolic link out": (
            tar_bytes(MANIFEST, DATA, link_entry("media/logo.png", "/etc/passwd")),
            "link",
        ),
        "symbolic link inside": (
            tar_bytes(MANIFEST, DATA, link_entry("media/logo.png", "../data.json")),
            "link",
        ),
        "hard link": (
            tar_bytes(MANIFEST, DATA, link_entry("media/x.png", "data.json", tarfile.LNKTYPE)),
            "link",
        ),
        "no manifest": (tar_bytes(DATA), "manifest.json"),
        "manifest not JSON": (
            tar_bytes(file_entry("manifest.json", b"{nope"), DATA),
            "manifest.json",
        ),
        "unknown format": (
            tar_bytes(file_entry("manifest.json", b'{"format": 99}'), DATA),
            "format",
        ),
        "no data": (tar_bytes(MANIFEST), "data.json"),
        "data not JSON": (tar_bytes(MANIFEST, file_entry("data.json", b"[{")), "data.json"),
        "data of an unknown kind": (
            tar_bytes(
                MANIFEST,
                file_entry("data.json", b'[{"model": "nowhere.nothing", "pk": 1, "fields": {}}]'),
            ),
            "data.json",
        ),
        "data that breaks a rule": (
            tar_bytes(
                MANIFEST,
                file_entry(
                    "data.json",
                    json.dumps(
                        [{"model": "members.member", "pk": 1, "fields": {"name": None}}]
                    ).encode(),
                ),
            ),
            "data.json",
        ),
    }


HOSTILE = list(hostile_archives(b"").keys())


@pytest.mark.parametrize("name", HOSTILE)
def test_a_broken_or_hostile_archive_is_refused_with_a_clear_message(tmp_path, settings, name):
    make_announcement(slug="kept")
    valid = tmp_path / "valid.tar.gz"
    call_command("backup", output=str(valid), stdout=io.StringIO())
    content, says = hostile_archives(valid.read_bytes())[name]
    settings.MEDIA_ROOT = tmp_path / "site" / "media"
    archive = tmp_path / "site" / "uploads" / "backup.tar.gz"
    archive.parent.mkdir(parents=True)
    archive.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        restore(archive)
    message = str(refused.value)
    assert says in message, message
    assert str(archive) in message or "manifest.json" in message or "data.json" in message
    assert not list(tmp_path.glob("**/escaped*"))
    assert not (tmp_path / "site" / "media").exists()
    assert list(Announcement.objects.values_list("slug", flat=True)) == ["kept"]
    assert not Member.objects.exists()
