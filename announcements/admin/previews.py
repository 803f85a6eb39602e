"""Preview links in the admin: a draft's author or a publisher makes one on the
announcement's page (or revokes it there); links are listed, never edited.

Anyone holding a link can read the draft until it expires or is revoked
(announcements.models.PreviewLink), so a link is shown only to those who may share
the draft: its author sees the links of their own announcements, a publisher every
link. Another editor sees none, on the announcement's page or in the links' list.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dpga.admin import ReadOnlyAdminMixin

from ..models import PreviewLink
from .times import zoned
from .workflow import PUBLISH_PERMISSION


class PreviewLinksAdminMixin:
    """Making and revoking preview links, for AnnouncementAdmin (with WorkflowAdminMixin's
    has_publish_permission)."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview-links/new/",
                view(self.create_preview_link_view),
                name="announcements_announcement_preview_link_create",
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                view(self.revoke_preview_link_view),
                name="announcements_announcement_preview_link_revoke",
            ),
            *super().get_urls(),
        ]

    def may_share_preview(self, request, obj):
        """A publisher, or the announcement's author."""
        return self.has_publish_permission(request) or (
            obj.author_id is not None and obj.author_id == request.user.pk
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_share = obj is not None and self.may_share_preview(request, obj)
        context.update(
            {
                "preview_links": list(obj.preview_links.all()[:10]) if may_share else [],
                "can_share_preview": may_share,
                "preview_link_hours": settings.PREVIEW_LINK_HOURS,
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _object_for_preview(self, request, object_id):
        if request.method != "POST":
            return None, HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.may_share_preview(request, obj):
            raise PermissionDenied
        return obj, None

    def create_preview_link_view(self, request, object_id):
        obj, refusal = self._object_for_preview(request, object_id)
        if refusal:
            return refusal
        link = PreviewLink.create_for(obj, request.user)
        self.message_user(
            request,
            _("Preview link created; anyone with it can read the draft until %(expires)s: %(url)s")
            % {
                "expires": zoned(link.expires_at),
                "url": request.build_absolute_uri(link.get_preview_url()),
            },
            level=messages.SUCCESS,
        )
        return redirect(reverse("admin:announcements_announcement_change", args=[obj.pk]))

    def revoke_preview_link_view(self, request, object_id, link_id):
        obj, refusal = self._object_for_preview(request, object_id)
        if refusal:
            return refusal
        link = obj.preview_links.filter(pk=link_id).first()
        if link is None:
            raise Http404
        link.revoke()
        self.message_user(request, _("The preview link was revoked."), level=messages.SUCCESS)
        return redirect(reverse("admin:announcements_announcement_change", args=[obj.pk]))


class PreviewLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The preview links one may share (a publisher: all; an editor: those of their own
    announcements): made from the announcement's page, where the link is shown;
    revoked (or deleted) here."""

    list_display = ["announcement", "state", "created_by", "created", "expires"]
    list_select_related = ["announcement", "created_by"]
    list_filter = ["revoked_at"]
    readonly_fields = ["announcement", "created_by", "created_at", "expires_at", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]
    still_allowed = ("delete",)

    def get_queryset(self, request):
        links = super().get_queryset(request)
        if request.user.has_perm(PUBLISH_PERMISSION):
            return links
        return links.filter(announcement__author=request.user)

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj):
        return obj.state

    @admin.display(description=gettext_lazy("created"), ordering="created_at")
    def created(self, obj):
        return zoned(obj.created_at)

    @admin.display(description=gettext_lazy("expires"), ordering="expires_at")
    def expires(self, obj):
        return zoned(obj.expires_at)

    @admin.action(description=gettext_lazy("Revoke the selected links"), permissions=["view"])
    def revoke(self, request, queryset):
        allowed = queryset
        if not request.user.has_perm(PUBLISH_PERMISSION):
            allowed = queryset.filter(announcement__author=request.user)
        count = 0
        for link in allowed:
            link.revoke()
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d link revoked.", "%(count)d links revoked.", count)
            % {"count": count},
            level=messages.SUCCESS,
        )
