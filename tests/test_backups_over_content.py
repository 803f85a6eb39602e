"""`manage.py restore` over an install that has content: asked, and saved first.

Restoring over content replaces rows (passwords included), so it needs a "yes"
typed at the prompt or `--overwrite`; without one it is refused and nothing
changes. Confirmed, the content is first saved to a private backup in the
backups folder, whose path is printed, and that backup brings the content back.
"""

import io
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .backup_helpers import build_site, manage, media_files, rows_here, rows_there, sqlite_install

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_site(tmp_path):
    """An install in use (restored from a backup, then edited), and an older backup
    whose title and editor's password differ from it."""
    site = build_site()
    older = tmp_path / "older.tar.gz"
    call_command("backup", output=str(older), stdout=io.StringIO())
    announcement, editor = site["announcement"], site["editor"]
    announcement.title = "Vaccines, corrected"
    announcement.save()
    editor.set_password("the-password-in-use-now-1")
    editor.save()
    current = tmp_path / "current.tar.gz"
    call_command("backup", output=str(current), stdout=io.StringIO())

    install = sqlite_install(tmp_path, "live")
    result = manage("restore", str(current), env=install)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Type 'yes'" not in result.stdout  # an empty install is not asked
    return {"install": install, "older": older, "tmp_path": tmp_path}


def saved_backups(install):
    return sorted(Path(install["DJANGO_BACKUP_DIR"]).glob("*.tar.gz"))


def test_restoring_over_content_without_a_yes_is_refused_and_changes_nothing(live_site):
    install, older = live_site["install"], live_site["older"]
    before = rows_there(install, live_site["tmp_path"])
    media_before = media_files(install["DJANGO_MEDIA_ROOT"])

    attempts = {
        "nobody at the terminal": manage("restore", str(older), env=install),
        "answered no": manage("restore", str(older), env=install, stdin="no\n"),
        "never asked": manage("restore", str(older), "--no-input", env=install, stdin="yes\n"),
        "the old --force": manage("restore", str(older), "--force", env=install),
    }
    assert rows_there(install, live_site["tmp_path"]) == before
    assert media_files(install["DJANGO_MEDIA_ROOT"]) == media_before
    assert saved_backups(install) == []
    for how, result in attempts.items():
        assert result.returncode == 1, how
        assert "Traceback" not in result.stderr, how
        assert "Nothing was changed" in result.stderr, how
        assert "--overwrite" in result.stderr, how
    assert "already has content" in attempts["nobody at the terminal"].stderr
    assert "announcements" in attempts["nobody at the terminal"].stderr
    assert "Type 'yes'" in attempts["answered no"].stdout
    assert "Type 'yes'" not in attempts["never asked"].stdout


def test_restoring_over_content_saves_it_first_in_a_private_backup_that_brings_it_back(
    live_site,
):
    install, older, tmp_path = live_site["install"], live_site["older"], live_site["tmp_path"]
    before = rows_there(install, tmp_path)
    media_before = media_files(install["DJANGO_MEDIA_ROOT"])

    result = manage("restore", str(older), env=install, stdin="yes\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Type 'yes'" in result.stdout
    [saved] = saved_backups(install)
    assert f"Saved the content this install had to {saved}" in result.stdout
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    show = (
        "from announcements.models import Announcement as A; from django.contrib.auth import "
        "authenticate; print(A.objects.get(slug='vaccines').title, '|', "
        "authenticate(username='editor', password='the-password-in-use-now-1') is None)"
    )
    shown = manage("shell", "-c", show, env=install).stdout.strip().splitlines()[-1]
    assert shown == "Vaccines | True"  # the older title and password are back

    # Without a terminal, --overwrite is the yes; each restore saves a new backup.
    result = manage("restore", str(older), "--overwrite", "--no-input", env=install)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(saved_backups(install)) == 2

    # The first saved backup is the install as it was before: every row and picture.
    again = sqlite_install(tmp_path, "again")
    result = manage("restore", str(saved), env=again)
    assert result.returncode == 0, result.stdout + result.stderr
    assert rows_there(again, tmp_path) == before
    assert media_files(again["DJANGO_MEDIA_ROOT"]) == media_before


def test_an_archive_that_fails_to_load_over_content_changes_nothing_and_names_the_saved_backup(
    tmp_path, backup_dir
):
    build_site()
    before = rows_here()
    archive = tmp_path / "broken.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in {
            "manifest.json": b'{"format": 1}',
            "data.json": b'[{"model": "members.member", "pk": 1, "fields": {"name": null}}]',
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), overwrite=True, stdout=io.StringIO())
    [saved] = backup_dir.glob("before-restore-*.tar.gz")
    assert "data.json cannot be loaded" in str(refused.value)
    assert f"saved in {saved}" in str(refused.value)
    assert rows_here() == before
