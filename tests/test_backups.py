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

from .backup_helpers import run
from .factories import image_upload, make_announcement, make_member, make_user

pytestmark = pytest.mark.django_db


def test_backup_restores_into_an_empty_install(tmp_path, media_root):
    member = make_member(name="Rwanda's Ministry of ICT and Innovation", logo=image_upload("r.png"))
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
    assert f"media/{member.logo.name}" in names

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
        " a.members.get().logo.storage.exists(a.members.get().logo.name), '|', a.is_published,"
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
