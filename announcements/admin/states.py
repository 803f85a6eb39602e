"""An announcement's state as editors speak of it: draft, ready for review, scheduled
(published with a go-live time still to come) or published (live). The list shows it in
one column and filters by it; "scheduled" and "published" follow the one definition of
published (``Announcement.objects.published()`` / ``scheduled()``)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Announcement

Status = Announcement.Status
SCHEDULED = "scheduled"


def state_label(announcement):
    if announcement.is_scheduled:
        return _("Scheduled")
    return announcement.get_status_display()


class StateListFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            (Status.DRAFT, Status.DRAFT.label),
            (Status.REVIEW, Status.REVIEW.label),
            (SCHEDULED, _("Scheduled")),
            (Status.PUBLISHED, _("Published (live)")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == SCHEDULED:
            return queryset.scheduled()
        if value == Status.PUBLISHED:
            return queryset.published()
        if value in (Status.DRAFT, Status.REVIEW):
            return queryset.filter(status=value)
        return queryset


class StateColumnAdminMixin:
    """The list's "state" column (ordered by status, then go-live time)."""

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj):
        return state_label(obj)
