"""The background task that makes a picture owner's renditions (and share card).

A save keeps only what can be shown at once (``renditions.pending_renditions``);
this task makes the rest from the stored original and writes the description with
one ``update()`` (no revision, no new ``updated_at``: nothing an editor did), only if
the row still holds the original it was made from; a newer save has queued its own
task. Running it twice is harmless: what is up to date is kept, and files are
replaced under the same names. The content version is bumped so cached pages use
the new files; files no longer used are deleted after the commit.
"""

import logging

from django.apps import apps
from django.db import transaction

from ..caching import content_version
from ..tasks import task
from . import renditions

logger = logging.getLogger(__name__)


@task()
def make_renditions(model_label, pk):
    """Make the renditions of one picture owner (``"announcements.announcement"``, 7)."""
    model = apps.get_model(model_label)
    owner = model.objects.filter(pk=pk).first()
    if owner is None:
        return "gone"
    source = owner.picture.name
    stale = owner.refresh_renditions()
    values = {name: getattr(owner, name) for name in owner.PICTURE_OUTPUTS}
    values["picture"] = owner.picture.name
    with transaction.atomic():
        updated = model.objects.filter(pk=pk, picture=source).update(**values)
        if not updated:
            # The picture changed meanwhile: that save queued its own task. (The
            # files made here for the old original stay, unused.)
            return "superseded"
        renditions.delete_after_commit(owner.picture.storage, stale)
        content_version.bump()
    return "made"
