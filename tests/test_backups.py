"""`manage.py backup` / `restore` (what `make backup` / `make restore` run): database and
media together, into an empty install."""

import io
import os
import stat
import sys
import tarfile

import pytest
from django.core.management import CommandError, call_command

from announcements.models import Announcement
from members.models import Member

from .backup_helpers import run
from .factories import image_upload, make_announcement, make_member, make_user

pytestmark = pytest.mark.django_db


def test_backup_restores_into_an_empty_install(tmp_path, media_root):
    member = make_member(
        name="Rwanda's Ministry of ICT and Innovation", picture=image_upload("r.png")
    )
    author = make_user("editor")
    announcement = make_announcement(
        title="Rwanda joins",
        tags=["government", "africa"],
        members=[member],
        author=author,
        picture=image_upload("joins.png"),
        picture_alt="A handshake",
    )
    archive = tmp_path / "site.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "media files" in out.getvalue()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "data.json"} <= set(names)
    assert f"media/{announcement.picture.name}" in names
    assert f"media/{member.picture.name}" in names

    # A brand-new install: an empty SQLite file and an empty media folder.
    fresh = {
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "fresh-media"),
        "DJANGO_BACKUP_DIR": str(tmp_path / "fresh-backups"),
    }
    # What `make restore` runs (make itself would first pip-install into the venv).
    result = run(sys.executable, "manage.py", "restore", str(archive), env_extra=fresh)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Restored" in result.stdout
    check = (
        f"from announcements.models import Announcement as A; a = A.objects.get(slug={announcement.slug!r});"
        "print(a.title, '|', a.author.username, '|', sorted(a.tags.names()), '|',"
        " [m.name for m in a.members.all()], '|', a.picture.storage.exists(a.picture.name),"
        " a.members.get().picture.storage.exists(a.members.get().picture.name), '|', a.is_published,"
        f" '|', a.body_html == {announcement.body_html!r})"
    )
    result = run(sys.executable, "manage.py", "shell", "-c", check, env_extra=fresh)
    assert result.returncode == 0, result.stderr
    last_line = result.stdout.strip().splitlines()[-1]
    assert [part.strip() for part in last_line.split("|")] == [
        "Rwanda joins",
        "editor",
        "['africa', 'government']",
        '["Rwanda\'s Ministry of ICT and Innovation"]',
        "True True",
        "True",
        "True",
    ]
    # Restoring again on top is refused: a restore never silently merges.
    result = run(sys.executable, "manage.py", "restore", str(archive), env_extra=fresh)
    assert result.returncode != 0
    assert "already has content" in result.stderr


def test_restore_refuses_a_non_empty_install_and_a_missing_file(tmp_path):
    make_announcement()
    archive = tmp_path / "a.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already has content"):
        call_command("restore", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), stdout=io.StringIO())
    assert Announcement.objects.count() == 1


@pytest.fixture
def permissive_umask():
    """The most open umask an operator's shell may have: files 0664, folders 0775."""
    previous = os.umask(0o002)
    yield
    os.umask(previous)


def test_a_backup_is_readable_by_its_owner_only(tmp_path, permissive_umask):
    make_announcement()
    archive = tmp_path / "new-folder" / "site.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    # Written again over an old, world-readable one: the new archive is private too.
    archive.chmod(0o644)
    call_command("backup", output=str(archive), stdout=io.StringIO())
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        assert "data.json" in tar.getnames()


def test_an_archive_from_before_the_logo_was_renamed_still_restores(tmp_path):
    """Archives made before members' migration 0005 name the logo fields logo, logo_alt ..."""
    member = make_member(slug="undp", picture=image_upload("undp.png"), picture_alt="UNDP")
    archive = tmp_path / "new.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    old_archive = tmp_path / "old.tar.gz"
    with tarfile.open(archive) as new, tarfile.open(old_archive, "w:gz") as old:
        for info in new.getmembers():
            content = new.extractfile(info).read()
            if info.name == "data.json":
                content = content.replace(b'"picture', b'"logo')
                info.size = len(content)
            old.addfile(info, io.BytesIO(content))
    with tarfile.open(old_archive) as old:
        assert b'"logo_alt": "UNDP"' in old.extractfile("data.json").read()
    Member.objects.all().delete()
    Member.history.all().delete()

    call_command("restore", str(old_archive), stdout=io.StringIO())
    restored = Member.objects.get(slug="undp")
    assert (restored.picture.name, restored.picture_alt) == (member.picture.name, "UNDP")
    assert restored.picture_renditions == member.picture_renditions
    assert restored.history.filter(picture=member.picture.name).exists()
