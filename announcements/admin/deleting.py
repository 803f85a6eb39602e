"""Who may delete an announcement in the admin, and what goes with it.

A publisher (or a superuser) may delete any announcement, published ones too: its
address then answers 410 Gone (announcements/signals.py). An editor may delete only
their own drafts: not one submitted for review, scheduled or published, and never
another person's.

An announcement's own records go with it: its workflow steps, preview links and
translations. The steps and links are read-only in the admin (nobody may delete one
by hand), so they must not stand in the way of deleting the announcement they
belong to: the right to delete the announcement covers them.
"""

from ..models import Announcement, AnnouncementTranslation, PreviewLink, Transition

OWNED_RECORDS = (Transition, PreviewLink, AnnouncementTranslation)


class DeletionAdminMixin:
    """For AnnouncementAdmin (with WorkflowAdminMixin's has_publish_permission)."""

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None or self.has_publish_permission(request):
            return True
        return obj.author_id == request.user.pk and obj.status == Announcement.Status.DRAFT

    def get_deleted_objects(self, objs, request):
        """As the admin lists them, without asking for permission on the announcements'
        own records (the announcements themselves are still checked one by one)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        owned = {str(model._meta.verbose_name) for model in OWNED_RECORDS}
        perms_needed = {name for name in perms_needed if str(name) not in owned}
        return deleted, counts, perms_needed, protected
