import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from dpga.admin import MarkdownPreviewAdmin, ReadOnlyAdminMixin, RevisionAdmin
from dpga.languages.admin import (
    HasOutOfDateTranslationFilter,
    TranslatedOriginalAdminMixin,
    TranslationAdminMixin,
    original_text,
)
from dpga.pictures.admin import picture_summary

from . import workflow
from .models import Announcement, AnnouncementTranslation, PreviewLink, TagMerge, Transition
from .tagging import merge_tags, tag_hint

PUBLISH_PERMISSION = workflow.PUBLISH_PERMISSION
Status = Announcement.Status


def zoned(value):
    """A time in the site's zone with the zone named, e.g. "28 Nov 2026, 09:00 CET"."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{date_format(local, 'j M Y, H:i')} {local.tzname()}"


def zone_description():
    now = timezone.localtime()
    return f"{timezone.get_current_timezone_name()} ({now.tzname()}, UTC{now.strftime('%z')})"


class AnnouncementAdminForm(forms.ModelForm):
    workflow_comment = forms.CharField(
        label=gettext_lazy("Comment for the workflow"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Kept with the workflow step: what a reviewer should look at, or what "
            "needs to change when sending back (required then)."
        ),
    )

    class Meta:
        model = Announcement
        fields = [
            "language", "title", "slug", "summary", "body", "picture", "picture_alt", "tags",
            "members", "status", "publish_at", "featured",
        ]  # fmt: skip
        help_texts = {
            "picture": gettext_lazy(
                "JPEG, PNG, WebP or GIF (kept as a still). Location, camera details and other "
                "metadata are removed; smaller copies for phones and a share card are made on save."
            ),
            "picture_alt": gettext_lazy(
                "Describe the picture for people who cannot see it. Required with a picture."
            ),
            "picture_decorative": gettext_lazy(
                "Tick only when the picture adds nothing a reader needs: it is then "
                "skipped by screen readers (empty alt text) and needs no description."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Remembered now: validation copies the posted status onto the instance.
        self.status_before = self.instance.status if self.instance.pk else Status.DRAFT

    def requested_action(self):
        """The workflow step this submission asks for, from a button or the status."""
        button = self.data.get("_workflow")
        if button in workflow.ACTIONS:
            return workflow.ACTIONS[button]
        was = self.status_before
        wanted = self.cleaned_data.get("status", was)
        if wanted != was:
            return workflow.action_between(was, wanted) or "invalid"
        if was == Status.PUBLISHED and "publish_at" in self.changed_data:
            return workflow.PUBLISH
        return None

    def clean(self):
        cleaned = super().clean()
        action = self.requested_action()
        if (
            getattr(action, "comment_required", False)
            and not cleaned.get("workflow_comment", "").strip()
        ):
            self.add_error(
                "workflow_comment",
                _("Say what needs to change: sending back needs a comment for the author."),
            )
        return cleaned


@admin.register(Announcement)
class AnnouncementAdmin(TranslatedOriginalAdminMixin, RevisionAdmin, MarkdownPreviewAdmin):
    form = AnnouncementAdminForm
    change_form_template = "admin/announcements/announcement/change_form.html"
    list_display = [
        "title",
        "status",
        "go_live",
        "is_live",
        "featured",
        "tag_list",
        "author",
        "translations_list",
    ]
    list_filter = [
        "status",
        "featured",
        HasOutOfDateTranslationFilter,
        "language",
        "tags",
        "members",
    ]
    list_select_related = ["author"]
    date_hierarchy = "publish_at"
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["members"]
    actions = ["submit_for_review", "publish_now", "unpublish"]
    readonly_fields = [
        "author",
        "created_at",
        "updated_at",
        "picture_preview",
        "translations_overview",
    ]
    markdown_fields = ["body"]
    fieldsets = [
        (None, {"fields": ["language", "title", "slug", "summary", "body"]}),
        (
            gettext_lazy("Picture"),
            {"fields": ["picture", "picture_alt", "picture_decorative", "picture_preview"]},
        ),
        (gettext_lazy("Translations"), {"fields": ["translations_overview"]}),
        (gettext_lazy("Topics"), {"fields": ["tags", "members"]}),
        (
            gettext_lazy("Publishing"),
            {
                "fields": [
                    "status",
                    "publish_at",
                    "featured",
                    "workflow_comment",
                    "author",
                    "created_at",
                    "updated_at",
                ],
                "description": gettext_lazy(
                    "Times are in the site's time zone (%(zone)s). A publish time in the "
                    "future schedules the announcement; it goes live by itself. A time in "
                    "the past on publishing means now."
                ),
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        zone = zone_description()
        result = []
        for name, options in fieldsets:
            if "description" in options:
                options = {**options, "description": options["description"] % {"zone": zone}}
            result.append((name, options))
        return result

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "publish_at":
            formfield.help_text = _(
                "Time zone: %(zone)s. A time in the future schedules the announcement."
            ) % {"zone": zone_description()}
        elif db_field.name == "slug":
            # The admin shows help text as HTML; this one is plain text ("/news/<slug>/").
            formfield.help_text = escape(formfield.help_text)
        elif db_field.name == "tags":
            formfield.help_text = _(
                "Separate tags with commas; without a comma, spaces separate tags. Put a "
                "tag with a comma in double quotes. Letter case does not matter: "
                "“health” is the same tag as “Health”."
            )
            formfield.widget.attrs.update(
                {
                    "data-tag-hint": reverse("admin:announcements_announcement_tag_hint"),
                    "autocomplete": "off",
                }
            )
        return formfield

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags", "translations")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("tag-hint/", view(self.tag_hint_view), name="announcements_announcement_tag_hint"),
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

    # List columns -------------------------------------------------------------------
    @admin.display(description=gettext_lazy("go-live time"), ordering="publish_at")
    def go_live(self, obj):
        return zoned(obj.publish_at)

    @admin.display(description=gettext_lazy("as served"))
    def picture_preview(self, obj):
        return picture_summary(obj.picture_set, obj.picture_renditions, obj.share_image)

    @admin.display(boolean=True, description=gettext_lazy("live"))
    def is_live(self, obj):
        return obj.is_published

    @admin.display(description=gettext_lazy("tags"))
    def tag_list(self, obj):
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    # Workflow -----------------------------------------------------------------------
    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
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
                "preview_links": list(obj.preview_links.all()[:10]) if obj else [],
                "can_share_preview": obj is not None and self.may_share_preview(request, obj),
                "preview_link_hours": settings.PREVIEW_LINK_HOURS,
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

    # Preview links --------------------------------------------------------------------
    def may_share_preview(self, request, obj):
        """A publisher, or the announcement's author."""
        return self.has_publish_permission(request) or (
            obj.author_id is not None and obj.author_id == request.user.pk
        )

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
                "url": request.build_absolute_uri(link.get_absolute_url()),
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

    # Tags -------------------------------------------------------------------------------
    def tag_hint_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # NUL never reaches the database (PostgreSQL refuses it in text).
        hint = tag_hint(request.GET.get("q", "")[:1000].replace("\x00", ""))
        count = len(hint["tags"])
        hint["label"] = (
            ngettext("Will be saved as %(count)d tag:", "Will be saved as %(count)d tags:", count)
            % {"count": count}
            if count
            else _("No tags.")
        )
        hint["new_label"] = _("new")
        return JsonResponse(hint)


@admin.register(PreviewLink)
class PreviewLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every preview link: made from the announcement's page, where the link is shown;
    revoked (or deleted) here."""

    list_display = ["announcement", "state", "created_by", "created", "expires"]
    list_select_related = ["announcement", "created_by"]
    list_filter = ["revoked_at"]
    readonly_fields = ["announcement", "created_by", "created_at", "expires_at", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]
    still_allowed = ("delete",)

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


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every workflow step taken: written by the workflow, never edited."""

    list_display = ["announcement", "action", "from_status", "to_status", "by", "when", "comment"]
    list_select_related = ["announcement", "by"]
    list_filter = ["action", "to_status"]
    date_hierarchy = "at"

    @admin.display(description=gettext_lazy("when"), ordering="at")
    def when(self, obj):
        return zoned(obj.at)


@admin.register(TagMerge)
class TagMergeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every merge of tags: written by the merge, never edited."""

    list_display = ["merged_names", "into_name", "items_moved", "merged_by", "when"]
    list_select_related = ["merged_by"]

    @admin.display(description=gettext_lazy("when"), ordering="merged_at")
    def when(self, obj):
        return zoned(obj.merged_at)


class MergeTagsForm(forms.Form):
    into = forms.ModelChoiceField(
        label=gettext_lazy("Keep this tag"),
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = tags


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    """Taggit's tag admin, with a merge that leaves 301s behind and a record."""

    actions = ["merge_selected_tags"]

    def get_urls(self):
        # Taggit's own merge view (a new name, no redirects) is replaced by the action.
        return [url for url in super().get_urls() if url.name != "taggit_tag_merge_tags"]

    @admin.action(
        description=gettext_lazy("Merge the selected tags into one"), permissions=["change"]
    )
    def merge_selected_tags(self, request, queryset):
        tags = queryset.order_by("name")
        if tags.count() < 2:
            self.message_user(
                request, _("Select at least two tags to merge."), level=messages.WARNING
            )
            return None
        form = MergeTagsForm(request.POST if "into" in request.POST else None, tags=tags)
        if form.is_bound and form.is_valid():
            into = form.cleaned_data["into"]
            record = merge_tags(list(tags), into, request.user)
            self.message_user(
                request,
                _(
                    "Merged %(merged)s into “%(into)s”; %(count)d items re-tagged. Their old pages and feeds redirect to it."
                )
                % {"merged": record.merged_names, "into": into.name, "count": record.items_moved},
                level=messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge tags"),
            "opts": self.opts,
            "tags": tags,
            "form": form,
            "action_name": "merge_selected_tags",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge_tags.html", context)


@admin.register(AnnouncementTranslation)
class AnnouncementTranslationAdmin(TranslationAdminMixin, admin.ModelAdmin):
    """Every translation, filterable by language and by "out of date"."""

    list_display = ["title", "language", "announcement", "up_to_date", "updated_at"]
    list_select_related = ["announcement"]
    search_fields = ["title", "summary", "body", "announcement__title"]
    autocomplete_fields = ["announcement"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["original"]
    fields = [
        "announcement",
        "original",
        "language",
        "title",
        "slug",
        "summary",
        "body",
        "picture_alt",
    ]

    @admin.display(description=gettext_lazy("original"))
    def original(self, obj):
        """The original's text, to translate from."""
        if obj is None or obj.pk is None:
            return "—"
        source = obj.announcement
        return original_text(source, source.title, source.summary, source.body)
