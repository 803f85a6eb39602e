"""What the backup tests share: a site with one of everything a backup holds, a
fresh install of either engine to restore into, and a row-by-row picture of a
database to compare."""

import contextlib
import datetime
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from taggit.models import Tag

from announcements.feed_changes import mark_changed
from announcements.feed_scopes import scope_keys_for
from announcements.models import Announcement, AnnouncementTranslation, FeedState
from dpga.backups import EXCLUDED
from dpga.models import LibraryPicture
from dpga.pictures import renditions
from dpga.revisions import one_revision
from members.models import Member, MemberTranslation

from .factories import image_upload, make_announcement, make_member, make_user

ROOT = Path(__file__).resolve().parent.parent
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
# Groups are matched by name (migrations create the site's roles in every install).
BY_NAME = ["auth.group"]
FEEDS_CHANGED_AT = datetime.datetime(2024, 3, 1, 9, 30, tzinfo=datetime.UTC)


def run(*args, env_extra, timeout=300, stdin=None):
    """A command in a fresh process with only the environment given (no Redis: its
    cache would be the test run's), reading `stdin` (nothing: as from cron)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env.update(env_extra)
    return subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin or "",
    )


def manage(*args, env, stdin=None):
    return run(sys.executable, "manage.py", *args, env_extra=env, stdin=stdin)


def build_site():
    """One of everything a backup holds, with gaps in the ids (as on a real site)."""
    User = get_user_model()
    make_user("gone").delete()
    Tag.objects.create(name="gone").delete()
    editor = make_user("editor", groups=["Editors"])
    editor.user_permissions.add(Permission.objects.get(codename="view_feedstate"))
    make_user("admin", superuser=True)
    custom = Group.objects.create(name="Reviewers")
    custom.permissions.add(Permission.objects.get(codename="view_announcement"))
    User.objects.get(username="admin").groups.add(custom)

    who = make_member(
        slug="who-old", name="WHO", description="Health *for all*.", picture=image_upload("who.png")
    )
    with one_revision(who, editor, "Shorter address"):
        who.slug = "who"
        who.save()
    MemberTranslation.objects.create(member=who, language="fr", description="La *santé*.")
    unicef = make_member(slug="unicef", name="UNICEF")

    vial = LibraryPicture.objects.create(
        picture=image_upload("vial.png"), picture_alt="A vial", caption="Vials", credit="WHO"
    )
    vaccines = make_announcement(
        slug="vaccines-old",
        title="Vaccines",
        body=f"Vaccines **arrive**.\n\n{vial.markdown}\n",
        tags=["health", "Santé publique"],
        members=[who, unicef],
        author=editor,
        picture=image_upload("vaccines.png"),
        picture_alt="A vial",
    )
    with one_revision(vaccines, editor, "Better address"):
        vaccines.slug = "vaccines"
        vaccines.save()
        vaccines.members.set([who])
    AnnouncementTranslation.objects.create(
        announcement=vaccines,
        language="fr",
        title="Vaccins",
        slug="vaccins",
        summary="Les vaccins.",
        body="Les vaccins **arrivent**.",
    )
    make_announcement(slug="draft", status=Announcement.Status.DRAFT, tags=["health"])
    make_announcement(slug="withdrawn", members=[unicef]).delete()

    tag_ids = list(Tag.objects.values_list("pk", flat=True))
    mark_changed(scope_keys_for(tag_ids, [who.pk, unicef.pk]), when=FEEDS_CHANGED_AT)
    FeedState.objects.filter(key="news").update(
        announced_fingerprint="f" * 64, announced_at=FEEDS_CHANGED_AT
    )
    assert Announcement.history.count() >= 6  # revisions, with their members
    return {"announcement": vaccines, "member": who, "editor": editor}


DUMP_OPTIONS = ["--natural-foreign", "--format", "json"]


def dump_commands():
    """The dumpdata arguments that show every row a backup holds, ids included."""
    excluded = [arg for label in [*EXCLUDED, *BY_NAME] for arg in ("--exclude", label)]
    return [[*DUMP_OPTIONS, *excluded], [*DUMP_OPTIONS, "--natural-primary", *BY_NAME]]


def rows(dumps):
    """{(model, id or name): fields} of dumpdata outputs (JSON values are dicts: the
    order PostgreSQL's jsonb puts their keys in does not matter)."""
    found = {}
    for obj in (obj for dump in dumps for obj in json.loads(dump)):
        key = (obj["model"], obj.get("pk") or obj["fields"].get("name"))
        assert key not in found, key
        found[key] = obj["fields"]
    return found


def rows_here():
    """rows() of the database this test runs on."""
    dumps = []
    for args in dump_commands():
        out = io.StringIO()
        call_command("dumpdata", *args, stdout=out)
        dumps.append(out.getvalue())
    return rows(dumps)


def rows_there(env, folder):
    """rows() of the database a fresh install's environment points at."""
    dumps = []
    for number, args in enumerate(dump_commands()):
        output = Path(folder) / f"dump-{number}.json"
        result = manage("dumpdata", *args, "--output", str(output), env=env)
        assert result.returncode == 0, result.stderr
        dumps.append(output.read_text())
    return rows(dumps)


def pictures_shown():
    """The storage names of every picture and rendition the site's rows refer to."""
    names = set()
    for announcement in Announcement.objects.all():
        names |= renditions.file_names(announcement.picture_renditions) | {
            announcement.picture.name
        }
    for member in Member.objects.all():
        names |= renditions.file_names(member.picture_renditions) | {member.picture.name}
    for picture in LibraryPicture.objects.all():
        names |= renditions.file_names(picture.picture_renditions) | {picture.picture.name}
    return names - {""}


def media_files(root):
    """{name: bytes} of every file under a media folder."""
    root = Path(root)
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def sqlite_install(tmp_path, name="fresh"):
    """The environment of a brand-new install on an empty SQLite file."""
    return {
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / f'{name}.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / f"{name}-media"),
        "DJANGO_BACKUP_DIR": str(tmp_path / f"{name}-backups"),
    }


def postgres_server():
    """The PostgreSQL server the suite runs on, or the local one."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else LOCAL_POSTGRES


@contextlib.contextmanager
def postgres_install(tmp_path, name="fresh"):
    """The environment of a brand-new install on an empty PostgreSQL database, made
    for the test and dropped after it; None when no PostgreSQL server answers."""
    import psycopg

    server = urlsplit(postgres_server())
    admin_url = server._replace(path="/postgres").geturl()
    database = f"dpga_bk_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        yield None
        return
    with admin:
        admin.execute(f'CREATE DATABASE "{database}"')
        try:
            env = sqlite_install(tmp_path, name)
            env["DATABASE_URL"] = server._replace(path=f"/{database}").geturl()
            env["DJANGO_CONN_MAX_AGE"] = "0"
            yield env
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_install(engine, tmp_path, name="fresh"):
    """A brand-new install of `engine` ("sqlite" or "postgresql")."""
    if engine == "sqlite":
        yield sqlite_install(tmp_path, name)
        return
    with postgres_install(tmp_path, name) as env:
        if env is None:
            pytest.skip(f"no PostgreSQL server answers at {postgres_server()}")
        yield env
