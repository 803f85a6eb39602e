"""The review workflow in the announcement admin: saving asks for a step (submit, publish,
send back, unpublish), bulk actions take one, and the steps taken are listed.

The status changes only through announcements.workflow, after the content is saved;
a step that is not allowed leaves the content saved and the status as it was.
"""

import datetime

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dpga.admin import ReadOnlyAdminMixin

from .. import workflow
from ..models import Announcement
from .times import zoned

PUBLISH_PERMISSION = workflow.PUBLISH_PERMISSION
Status = Announcement.Status


class WorkflowAdminMixin:
    """Workflow steps for AnnouncementAdmin (its form asks for one: requested_action())."""

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def save_model(self, request, obj, form, change):
        was_status = form.initial.get("status", Status.DRAFT) if change else Status.DRAFT
        action = form.requested_action()
        # The status changes only through the workflow, after the content is saved.
        obj.status = was_status
        if (
            change
            and was_status == Status.PUBLISHED
            and "publish_at" in form.changed_data
            and not self.has_publish_permission(request)
        ):
            obj.publish_at = form.initial["publish_at"]
        super().save_model(request, obj, form, change)
        if action is None:
            return
        if action == "invalid":
            self._refuse(
                request,
                obj,
                _("“%(title)s” cannot go straight from %(from)s to %(to)s.")
                % {
                    "title": obj.title,
                    "from": Status(was_status).label.lower(),
                    "to": Status(form.cleaned_data["status"]).label.lower(),
                },
            )
            return
        try:
            step = workflow.perform(
                obj, action, request.user, form.cleaned_data.get("workflow_comment", "")
            )
        except workflow.TransitionRefused as refusal:
            self._refuse(request, obj, refusal.message)
        else:
            self.message_user(request, self.describe(step), level=messages.SUCCESS)

    def _refuse(self, request, obj, reason):
        self.message_user(
            request,
            _("%(reason)s Your changes were saved, but “%(title)s” stays %(status)s.")
            % {
                "reason": reason,
                "title": obj.title,
                "status": obj.get_status_display().lower(),
            },
            level=messages.ERROR,
        )

    def describe(self, step):
        announcement = step.announcement
        if step.action == workflow.PUBLISH.name and announcement.is_scheduled:
            return _(
                "“%(title)s” is scheduled: it goes live on %(local)s (%(utc)s), in %(until)s."
            ) % {
                "title": announcement.title,
                "local": zoned(announcement.publish_at),
                "utc": date_format(
                    announcement.publish_at.astimezone(datetime.UTC), "j M Y, H:i \\U\\T\\C"
                ),
                "until": timeuntil(announcement.publish_at),
            }
        messages_by_action = {
            "submit": _("“%(title)s” is ready for review; a publisher will look at it."),
            "publish": _("“%(title)s” is published."),
            "send_back": _("“%(title)s” was sent back to draft with your comment."),
            "unpublish": _("“%(title)s” is unpublished (back to draft)."),
        }
        return messages_by_action[step.action] % {"title": announcement.title}

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        probe = obj or Announcement(status=Status.DRAFT)
        context.update(
            {
                "workflow_actions": workflow.available_actions(probe, request.user),
                "transitions": list(obj.transitions.select_related("by")[:20]) if obj else [],
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=gettext_lazy("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._bulk(request, queryset, workflow.SUBMIT)

    @admin.action(description=gettext_lazy("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        self._bulk(request, queryset, workflow.PUBLISH, bring_forward=True)

    @admin.action(description=gettext_lazy("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._bulk(request, queryset, workflow.UNPUBLISH)

    def _bulk(self, request, queryset, action, bring_forward=False):
        done, refused = 0, []
        now = timezone.now()
        for announcement in queryset:
            if action is workflow.PUBLISH and announcement.is_published:
                continue  # already live: nothing to do, nothing to record
            if bring_forward and announcement.publish_at > now:
                announcement.publish_at = now
            try:
                workflow.perform(announcement, action, request.user)
            except workflow.TransitionRefused:
                refused.append(announcement.title)
            else:
                done += 1
        self.message_user(
            request,
            ngettext(
                "%(action)s: %(count)d announcement.",
                "%(action)s: %(count)d announcements.",
                done,
            )
            % {"action": action.label, "count": done},
            level=messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request,
                _("Not possible from their current state: %(titles)s.")
                % {"titles": ", ".join(refused)},
                level=messages.WARNING,
            )


class TransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every workflow step taken: written by the workflow, never edited."""

    list_display = ["announcement", "action", "from_status", "to_status", "by", "when", "comment"]
    list_select_related = ["announcement", "by"]
    list_filter = ["action", "to_status"]
    date_hierarchy = "at"

    @admin.display(description=gettext_lazy("when"), ordering="at")
    def when(self, obj):
        return zoned(obj.at)
