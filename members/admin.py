"""The members' admin: the directory with logos, revisions, translations, and the
"announce a new member" step. A member that news is about cannot be deleted here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dpga.admin import MarkdownPreviewAdmin, RevisionAdmin
from dpga.languages.admin import (
    HasOutOfDateTranslationFilter,
    TranslatedOriginalAdminMixin,
    TranslationAdminMixin,
    original_text,
)
from dpga.pictures.admin import picture_summary
from dpga.pictures.kept_uploads import KeptUploadsFormMixin
from dpga.review.admin import PendingChangeFilter, PendingChangesAdminMixin
from dpga.review.autosave import AutosaveAdminMixin

from .models import Member, MemberTranslation, member_in_use_message

ADD_ANNOUNCEMENT = "announcements.add_announcement"


class MemberAdminForm(KeptUploadsFormMixin, forms.ModelForm):
    """A member's picture is its logo: the form says "logo"."""

    class Meta:
        model = Member
        # The fields this form words; which fields the page shows is MemberAdmin.fieldsets.
        fields = ["picture", "picture_alt", "picture_decorative"]
        labels = {
            "picture": capfirst(gettext_lazy("logo")),
            "picture_alt": capfirst(gettext_lazy("logo description (alt text)")),
            "picture_decorative": capfirst(gettext_lazy("decorative logo")),
        }
        help_texts = {
            "picture": gettext_lazy(
                "JPEG, PNG, WebP or GIF. A transparent logo is shown on a white tile."
            ),
            # The admin shows help text as HTML: "<name>" must be text, not an element.
            "picture_alt": escape(gettext_lazy("Leave empty for “Logo of <name>”.")),
            "picture_decorative": gettext_lazy(
                "Tick to have screen readers skip the logo (empty alt text)."
            ),
        }


@admin.register(Member)
class MemberAdmin(
    AutosaveAdminMixin,
    PendingChangesAdminMixin,
    TranslatedOriginalAdminMixin,
    RevisionAdmin,
    MarkdownPreviewAdmin,
):
    form = MemberAdminForm
    change_form_template = "admin/members/member/change_form.html"
    list_display = [
        "logo_thumbnail",
        "name",
        "short_name",
        "category",
        "is_board_member",
        "joined_on",
        "left_on",
        "changes_pending",
        "translations_list",
    ]
    list_display_links = ["logo_thumbnail", "name"]
    list_filter = [
        "category",
        "is_board_member",
        PendingChangeFilter,
        HasOutOfDateTranslationFilter,
    ]
    readonly_fields = ["picture_preview", "translations_overview"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    search_fields = ["name", "short_name", "country"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "joined_on"
    # A website typed without a scheme is taken as https:// (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    markdown_fields = ["description"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "category", "is_board_member"]}),
        (
            gettext_lazy("Profile"),
            {
                "fields": [
                    "picture",
                    "picture_alt",
                    "picture_decorative",
                    "picture_preview",
                    "website",
                    "country",
                    "language",
                    "description",
                ]
            },
        ),
        (gettext_lazy("Membership"), {"fields": ["joined_on", "left_on"]}),
        (gettext_lazy("Translations"), {"fields": ["translations_overview"]}),
    ]

    def delete_view(self, request, object_id, extra_context=None):
        member = self.get_object(request, object_id)
        if member is not None and member.announcements.exists():
            # Refused before the confirmation page, saying which news refers to it.
            self.message_user(request, member_in_use_message(member), level=messages.ERROR)
            return redirect(reverse("admin:members_member_change", args=[member.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        """The bulk "delete selected" page lists the announcements that block deletion."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for member in objs:
            for announcement in member.announcements.all():
                protected.append(
                    format_html(
                        '{}: <a href="{}">{}</a>',
                        _("Announcement about %(member)s") % {"member": member.name},
                        reverse("admin:announcements_announcement_change", args=[announcement.pk]),
                        announcement.title,
                    )
                )
        return deleted, model_count, perms_needed, protected

    @admin.display(description=gettext_lazy("logo"))
    def logo_thumbnail(self, obj):
        picture = obj.logo_small
        if picture is None:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="48" height="48" loading="lazy">', picture.src
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/announce/",
                self.admin_site.admin_view(self.announce_view),
                name="members_member_announce",
            ),
            *super().get_urls(),
        ]

    def may_announce(self, request, obj):
        return (
            obj is not None
            and obj.joined_on is not None
            and request.user.has_perm(ADD_ANNOUNCEMENT)
        )

    def response_add(self, request, obj, post_url_continue=None):
        if self.may_announce(request, obj):
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("%(name)s joined on %(date)s.")
                    % {"name": obj.name, "date": obj.joined_on.isoformat()},
                    reverse("admin:members_member_announce", args=[obj.pk]),
                    _("Draft the announcement “%(name)s joins the alliance”") % {"name": obj.name},
                ),
                level=messages.INFO,
            )
        return super().response_add(request, obj, post_url_continue)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_announce"] = self.may_announce(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def announce_view(self, request, object_id):
        """Offer, then create, a prefilled draft announcement about a new member."""
        from announcements.models import Announcement, membership_draft

        member = self.get_object(request, unquote(object_id))
        if member is None:
            raise Http404
        if not self.may_announce(request, member):
            raise PermissionDenied
        if request.method == "POST":
            draft = membership_draft(member, author=request.user)
            self.message_user(
                request,
                _("A draft was created: finish the text, then submit it for review."),
                level=messages.SUCCESS,
            )
            return redirect(reverse("admin:announcements_announcement_change", args=[draft.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Announce a new member"),
            "opts": self.opts,
            "member": member,
            "existing": Announcement.objects.about(member).order_by("-created_at")[:5],
            "draft_title": _("%(name)s joins the alliance") % {"name": member.name},
        }
        return TemplateResponse(request, "admin/members/member/announce.html", context)

    @admin.display(description=gettext_lazy("as served"))
    def picture_preview(self, obj):
        return picture_summary(obj.logo_large, obj.picture_renditions)


@admin.register(MemberTranslation)
class MemberTranslationAdmin(PendingChangesAdminMixin, TranslationAdminMixin, admin.ModelAdmin):
    change_form_template = "admin/review/change_form.html"
    list_display = ["member", "name", "language", "up_to_date", "changes_pending", "updated_at"]
    list_filter = [*TranslationAdminMixin.list_filter, PendingChangeFilter]
    list_select_related = ["member"]
    search_fields = ["member__name", "name", "short_name", "description"]
    autocomplete_fields = ["member"]
    readonly_fields = ["original"]
    fields = ["member", "original", "language", "name", "short_name", "description"]

    @admin.display(description=gettext_lazy("original"))
    def original(self, obj):
        """The original name, acronym and description, to translate from."""
        if obj is None or obj.pk is None:
            return "—"
        member = obj.member
        return original_text(member, member.name, member.short_name, member.description)
