"""Backups: the database (as Django fixtures) and the media files, in one archive.

The archive is a .tar.gz holding
    manifest.json   what made it, when, and how many objects of each kind
    data.json       `dumpdata` of the site's content and accounts (natural keys)
    media/...       every uploaded file, under its storage name

It is independent of the database engine: a SQLite backup restores into
PostgreSQL and back. Restoring needs an empty install (migrated, no content).
An archive made before a field was renamed still restores: apps register their
renamed fields (``register_renamed_fields``) and the old names are read as the new.
"""

import datetime
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command

FORMAT_VERSION = 1
# Rebuilt by migrations or transient: never copied.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
]
KEEP_PRIMARY_KEYS = ["taggit.taggeditem"]
CONTENT_MODELS = ["announcements.Announcement", "members.Member", "auth.User", "taggit.Tag"]
# {"app_label.modelname": {"old field name": "new field name"}}, filled by the apps.
RENAMED_FIELDS = {}


class BackupError(Exception):
    pass


def register_renamed_fields(model_label, renames):
    """Read the fields of `model_label` ("members.member") named by an older archive under
    their new names: `renames` maps an old name to the new one."""
    RENAMED_FIELDS.setdefault(model_label.lower(), {}).update(renames)


def rename_old_fields(objects):
    """The dumped objects with renamed fields under their current names."""
    for obj in objects:
        renames = RENAMED_FIELDS.get(obj["model"])
        if renames:
            obj["fields"] = {
                renames.get(name, name): value for name, value in obj["fields"].items()
            }
    return objects


def create_backup(destination):
    """Write the archive to `destination` (a path); return the manifest."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    objects = _dump(exclude=[*EXCLUDED, *KEEP_PRIMARY_KEYS], natural_primary=True)
    # django-taggit's tagged items share a "natural key" (the object's id) per object;
    # keyed that way, an announcement's second tag would overwrite its first.
    for label in KEEP_PRIMARY_KEYS:
        objects += _dump(label, natural_primary=False)
    payload = json.dumps(objects).encode()
    manifest = {
        "format": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "site": settings.SITE_NAME,
        "objects": _count(objects),
        "media_files": 0,
    }
    media_root = Path(settings.MEDIA_ROOT)
    media_files = (
        sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    )
    manifest["media_files"] = len(media_files)
    partial = destination.with_name(destination.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
        _add_bytes(archive, "data.json", payload)
        for path in media_files:
            archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
    partial.replace(destination)  # a backup is either complete or absent
    return manifest


def restore_backup(source, *, allow_non_empty=False):
    """Load the archive into this (migrated, empty) install; return the manifest."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    if not allow_non_empty:
        occupied = [name for name in CONTENT_MODELS if apps.get_model(name).objects.exists()]
        if occupied:
            raise BackupError(
                "This install already has content ("
                + ", ".join(occupied)
                + "). Restore into an empty database, or pass --force to merge."
            )
    with tarfile.open(source, "r:gz") as archive, tempfile.TemporaryDirectory() as folder:
        # The "data" filter refuses absolute paths, "..", links out of the folder, devices.
        archive.extractall(folder, filter="data")
        folder = Path(folder)
        manifest = json.loads((folder / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        data = folder / "data.json"
        data.write_text(json.dumps(rename_old_fields(json.loads(data.read_text()))))
        # One transaction; natural keys map users, groups and content types.
        call_command("loaddata", str(data), verbosity=0)
        media_source = folder / "media"
        if media_source.exists():
            media_root = Path(settings.MEDIA_ROOT)
            for path in media_source.rglob("*"):
                if path.is_file():
                    target = media_root / path.relative_to(media_source)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(path.read_bytes())
    return manifest


def _dump(*labels, exclude=(), natural_primary):
    out = io.StringIO()
    call_command(
        "dumpdata",
        *labels,
        exclude=list(exclude),
        natural_foreign=True,
        natural_primary=natural_primary,
        stdout=out,
    )
    return json.loads(out.getvalue())


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _count(objects):
    counts = {}
    for obj in objects:
        counts[obj["model"]] = counts.get(obj["model"], 0) + 1
    return counts
