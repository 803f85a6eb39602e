"""Reading a backup archive without trusting it: a path out of its folder, a link,
a special file, a file that is not a tar or is cut short gives a BackupError with a
one-line message, before anything is restored (used by dpga/backups.py)."""

import json
import tarfile
import zlib
from pathlib import PurePosixPath


class BackupError(Exception):
    pass


def open_archive(source):
    """The archive, open for reading (the caller closes it), or BackupError."""
    try:
        return tarfile.open(source, "r:gz")  # noqa: SIM115 - the caller's `with` closes it
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(
            f"{source} is not a backup archive (a .tar.gz written by `manage.py backup`): "
            f"{error}. Nothing was restored."
        ) from None


def damaged(source, error):
    return BackupError(
        f"{source} is damaged (cut short, or not a backup archive): {error}. Nothing was restored."
    )


def checked_members(archive, source):
    """{name: member} of the archive's files, or BackupError if any member is unsafe."""
    try:
        found = archive.getmembers()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise damaged(source, error) from None
    members = {}
    for member in found:
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or "\\" in member.name:
            raise BackupError(
                f"{source} holds {member.name!r}, a path outside the archive's folder: "
                "not a backup this site wrote. Nothing was restored."
            )
        if member.isdir():
            continue
        if not member.isfile():
            raise BackupError(
                f"{source} holds {member.name!r}, a link or special file, which backups "
                "never contain. Nothing was restored."
            )
        members[path.as_posix()] = member
    return members


def read(archive, member, source):
    try:
        with archive.extractfile(member) as file:
            return file.read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise damaged(source, error) from None


def read_json(archive, members, name, source):
    if name not in members:
        raise BackupError(f"{source} has no {name}: not a backup archive. Nothing was restored.")
    try:
        return json.loads(read(archive, members[name], source))
    except (UnicodeDecodeError, ValueError) as error:
        raise BackupError(
            f"{source}: {name} is not valid JSON ({error}). Nothing was restored."
        ) from None
