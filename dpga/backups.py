"""Backups: the database (as Django fixtures) and the media files, in one archive.

The archive is a .tar.gz holding
    manifest.json   what made it, when, and how many objects of each kind
    data.json       `dumpdata` of the site's content and accounts (ids kept; groups by name)
    media/...       every uploaded file, under its storage name

It is independent of the database engine: a SQLite backup restores into
PostgreSQL and back. Restoring is meant for an empty install (migrated, no
content). Over content, restore_backup() needs `save_current_to`: the content
is first written there as a backup of its own (0600), then the archive is
merged in (its rows replace those with the same id; groups: the same name).
A restore is faithful: every row comes back with its id, and nothing is added.
Rows are loaded as they were saved (`loaddata`'s raw saves, inside
dpga.restoring.restoring()), so no receiver writes a revision, moves a feed's
change time or pings the WebSub hub; loaddata then moves PostgreSQL's id
sequences past the restored ids, so the next save gets a new one.

A restore trusts nothing in the archive: a path out of the folder, a link, a
file that is not a tar or is cut short is refused with a BackupError before
anything is restored; stored HTML is rendered again from the Markdown
(render_markdown); and only media files that a restored row refers to, and
that pass the site's picture checks, are written.

An archive holds every account's password hash and every draft: it is written
readable by its owner only (0600), in a folder made 0700 when it is created.

An archive made before a field was renamed still restores: apps register their
renamed fields (``register_renamed_fields``) and the old names are read as the new.
"""

import contextlib
import datetime
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.management import CommandError, call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction
from django.db.models import FileField
from PIL import Image

from .archives import BackupError, checked_members, open_archive, read, read_json
from .caching import content_version
from .pictures.images import validate_image
from .pictures.renditions import file_names as rendition_names
from .rendering import render_markdown
from .restoring import restoring

FORMAT_VERSION = 1
# Rebuilt by migrations or transient: never copied.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
]
# Rows keep their ids (feed states name tags by id: "tag:7"), except groups: they
# are matched by name, as migrations create the site's roles in every install.
BY_NAME = ["auth.group"]
# Stored HTML is never taken from an archive: it is rendered again from its Markdown.
RENDERED_FIELDS = {
    "announcements.Announcement": ("body", "body_html"),
    "announcements.AnnouncementTranslation": ("body", "body_html"),
    "members.Member": ("description", "description_html"),
    "members.MemberTranslation": ("description", "description_html"),
}
# The media a row refers to: its picture, and the files its renditions describe.
PICTURE_FIELDS = {
    "announcements.Announcement": ("picture", "picture_renditions"),
    "members.Member": ("picture", "picture_renditions"),
    "dpga.LibraryPicture": ("picture", "picture_renditions"),
}
# A restored file's name must say the format its content is.
PICTURE_SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}
# What loading hostile data can raise (loaddata adds the fixture's name to the message).
LOAD_ERRORS = (
    CommandError,
    DeserializationError,
    DatabaseError,
    ValidationError,
    ObjectDoesNotExist,
    FieldDoesNotExist,
    LookupError,
    ValueError,
    TypeError,
)


# {"app_label.modelname": {"old field name": "new field name"}}, filled by the apps.
RENAMED_FIELDS = {}


def register_renamed_fields(model_label, renames):
    """Read the fields of `model_label` ("members.member") named by an older archive under
    their new names: `renames` maps an old name to the new one."""
    RENAMED_FIELDS.setdefault(model_label.lower(), {}).update(renames)


def rename_old_fields(objects):
    """The dumped objects with renamed fields under their current names."""
    for obj in objects:
        renames = RENAMED_FIELDS.get(obj.get("model")) if isinstance(obj, dict) else None
        if renames and isinstance(obj.get("fields"), dict):
            obj["fields"] = {
                renames.get(name, name): value for name, value in obj["fields"].items()
            }
    return objects


class InstallNotEmpty(BackupError):
    """The install has content, and restoring over it was not confirmed."""


def create_backup(destination):
    """Write the archive to `destination` (a path); return the manifest."""
    destination = Path(destination)
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    objects = _dump(*BY_NAME, natural_primary=True)
    objects += _dump(exclude=[*EXCLUDED, *BY_NAME], natural_primary=False)
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
    partial.unlink(missing_ok=True)  # a left-over one may be readable by others
    private = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(private, "wb") as file, tarfile.open(fileobj=file, mode="w:gz") as archive:
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
        _add_bytes(archive, "data.json", payload)
        for path in media_files:
            archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
    partial.replace(destination)  # a backup is either complete or absent
    return manifest


def new_backup_path(prefix):
    """A path for a new archive in settings.BACKUP_DIR, named by the UTC time."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    folder = Path(settings.BACKUP_DIR)
    path, number = folder / f"{prefix}-{stamp}.tar.gz", 1
    while path.exists():  # never over an earlier backup, even one made this second
        number += 1
        path = folder / f"{prefix}-{stamp}-{number}.tar.gz"
    return path


def existing_content():
    """["3 announcements", ...]: the rows here that a restore would overwrite
    (none in a new install: migrations create only groups, matched by name)."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or {meta.app_label, meta.label_lower} & {*EXCLUDED, *BY_NAME}:
            continue
        count = model._base_manager.count()
        if count:
            found.append(f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}")
    return found


def restore_backup(source, *, save_current_to=None, confirm=None):
    """Load the archive into this (migrated) install; return what was restored.

    Over content (existing_content()), `confirm(content, save_current_to)` is
    asked once the archive is checked; unless it says yes (a missing `confirm`
    does when `save_current_to` is given), InstallNotEmpty is raised and nothing
    changes. If it does, the content is first written to `save_current_to` as
    a backup of its own, and the archive is then merged in.

    Nothing in the archive is trusted. Every member is checked before anything
    is restored (no path out of the folder, no link, no special file); the data
    is loaded in one transaction; the stored HTML is rendered again from the
    Markdown; and only pictures that a restored row refers to are written.
    The result: {"created", "objects": {model: count}, "media_files", "skipped",
    "saved_current_to": the backup of the previous content, or None}.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    with open_archive(source) as archive:
        members = checked_members(archive, source)
        manifest = read_json(archive, members, "manifest.json", source)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
            found = manifest.get("format") if isinstance(manifest, dict) else None
            raise BackupError(
                f"{source}: manifest.json says format {found!r}; this site reads format "
                f"{FORMAT_VERSION}. Nothing was restored."
            )
        objects = read_json(archive, members, "data.json", source)
        if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
            raise BackupError(
                f"{source}: data.json is not a list of objects. Nothing was restored."
            )
        occupied = existing_content()
        if occupied:
            confirmed = save_current_to is not None and (
                confirm is None or confirm(occupied, save_current_to)
            )
            if not confirmed:
                raise InstallNotEmpty(
                    f"This install already has content ({', '.join(occupied)}). "
                    "Nothing was changed."
                )
            create_backup(save_current_to)
        with transaction.atomic():
            _load(rename_old_fields(objects), source)
            _render_again()
            written, skipped = _restore_media(archive, members, _referenced_media(), source)
    content_version.bump()  # rows were written without signals
    return {
        "created": str(manifest.get("created", "an unknown date")),
        "objects": _count(objects),
        "media_files": len(written),
        "skipped": skipped,
        "saved_current_to": save_current_to if occupied else None,
    }


def _load(objects, source):
    if not objects:
        return
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "data.json"
        fixture.write_text(json.dumps(objects))
        try:
            with restoring():
                call_command("loaddata", str(fixture), verbosity=0)
        except LOAD_ERRORS as error:
            reason = str(error).replace(str(fixture), "data.json")
            raise BackupError(
                f"{source}: data.json cannot be loaded ({reason}). Nothing was restored."
            ) from None


def _render_again():
    """Every stored HTML field, rendered from its Markdown by the site's own renderer."""
    for label, (markdown_field, html_field) in RENDERED_FIELDS.items():
        model = apps.get_model(label)
        changed = []
        for row in model.objects.only("pk", markdown_field, html_field).iterator():
            html = render_markdown(getattr(row, markdown_field))
            if getattr(row, html_field) != html:
                setattr(row, html_field, html)
                changed.append(row)
        model.objects.bulk_update(changed, [html_field], batch_size=500)


def _referenced_media():
    """The storage names of every file a restored row refers to."""
    names = set()
    for label, (file_field, renditions_field) in PICTURE_FIELDS.items():
        rows = apps.get_model(label).objects.values_list(file_field, renditions_field)
        for name, renditions in rows.iterator():
            if name:
                names.add(name)
            # A description that is not one names nothing to restore.
            with contextlib.suppress(AttributeError, KeyError, TypeError):
                names.update(rendition_names(renditions))
    return names | _pending_pictures()


def _pending_pictures():
    """The pictures uploaded for pending changes (dpga.review: a working copy keeps
    the file's storage name among its proposed values)."""
    names = set()
    for copy in apps.get_model("dpga", "WorkingCopy").objects.select_related("content_type"):
        model = copy.content_type.model_class()
        for field in model._meta.get_fields() if model is not None else ():
            value = copy.data.get(field.name) if isinstance(field, FileField) else None
            if isinstance(value, str) and value:
                names.add(value)
    return names


def _restore_media(archive, members, wanted, source):
    """Write the archive's media files that are wanted and are pictures.

    Returns (names written, ["name (why it was skipped)"]).
    """
    media_root = Path(settings.MEDIA_ROOT).resolve()
    # A stored original is re-encoded (a GIF becomes a PNG): it may outgrow its upload.
    size_limit = 4 * settings.IMAGE_MAX_BYTES
    written, skipped = [], []
    for arcname, member in members.items():
        name = arcname.removeprefix("media/")
        if name == arcname:
            continue
        if name not in wanted:
            skipped.append(f"{name} (no restored row refers to it)")
            continue
        data = read(archive, member, source) if member.size <= size_limit else b""
        if not _is_picture(name, data):
            skipped.append(f"{name} (not a picture)")
            continue
        target = (media_root / name).resolve()
        if not target.is_relative_to(media_root):
            skipped.append(f"{name} (outside the media folder)")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written.append(name)
    return written, skipped


def _is_picture(name, data):
    """The site's upload checks pass, and the name says the format the content is."""
    try:
        validate_image(io.BytesIO(data))
        with Image.open(io.BytesIO(data)) as image:
            found = image.format
    except (ValidationError, OSError):
        return False
    return PICTURE_SUFFIXES.get(PurePosixPath(name).suffix.lower()) == found


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
        model = str(obj.get("model"))
        counts[model] = counts.get(model, 0) + 1
    return counts
