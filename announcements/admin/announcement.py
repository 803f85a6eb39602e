"""The announcement's admin page: the form (with the workflow comment), the list, the
picture as served; the workflow, preview links, deleting and the tags' hint come from
their own modules' mixins (workflow.py, previews.py, deleting.py, tags.py)."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dpga.admin import MarkdownPreviewAdmin, RevisionAdmin
from dpga.control_characters import multi_line, single_line
from dpga.languages.admin import HasOutOfDateTranslationFilter, TranslatedOriginalAdminMixin
from dpga.pictures.admin import picture_summary
from dpga.pictures.kept_uploads import KeptUploadsFormMixin
from dpga.review.admin import PendingChangeFilter, PendingChangesAdminMixin
from dpga.review.autosave import AutosaveAdminMixin

from .. import workflow
from ..models import Announcement
from .deleting import DeletionAdminMixin
from .previews import PreviewLinksAdminMixin
from .states import StateColumnAdminMixin, StateListFilter
from .tags import TagHintAdminMixin
from .times import zone_description, zoned
from .workflow import WorkflowAdminMixin
from .writing import WritingFormAdminMixin

Status = Announcement.Status


class AnnouncementAdminForm(KeptUploadsFormMixin, forms.ModelForm):
    workflow_comment = forms.CharField(
        label=gettext_lazy("Comment for the workflow"),
        required=False,
        validators=[multi_line],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Kept with the workflow step: what a reviewer should look at, or what "
            "needs to change when sending back (required then)."
        ),
    )

    class Meta:
        model = Announcement
        fields = [
            "language", "title", "slug", "summary", "body", "picture", "picture_alt",
            "picture_caption", "picture_credit", "tags",
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
        # Tags are names of one line each (taggit's field has no such check).
        if "tags" in self.fields:
            self.fields["tags"].validators.append(single_line)
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


class AnnouncementAdmin(
    AutosaveAdminMixin,
    PendingChangesAdminMixin,
    WritingFormAdminMixin,
    StateColumnAdminMixin,
    DeletionAdminMixin,
    WorkflowAdminMixin,
    TagHintAdminMixin,
    PreviewLinksAdminMixin,
    TranslatedOriginalAdminMixin,
    RevisionAdmin,
    MarkdownPreviewAdmin,
):
    form = AnnouncementAdminForm
    change_form_template = "admin/announcements/announcement/change_form.html"
    list_display = [
        "title",
        "state",
        "go_live",
        "changes_pending",
        "featured",
        "tag_list",
        "author",
        "translations_list",
    ]
    list_filter = [
        StateListFilter,
        PendingChangeFilter,
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
    actions = ["submit_for_review", "publish_now", "unpublish"]  # see workflow.py
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
            {
                "fields": [
                    "picture",
                    "picture_alt",
                    "picture_decorative",
                    "picture_caption",
                    "picture_credit",
                    "picture_preview",
                ]  # fmt: skip
            },
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

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)  # the workflow step, if asked for

    # List columns -------------------------------------------------------------------
    @admin.display(description=gettext_lazy("go-live time"), ordering="publish_at")
    def go_live(self, obj):
        return zoned(obj.publish_at)

    @admin.display(description=gettext_lazy("as served"))
    def picture_preview(self, obj):
        return picture_summary(obj.picture_set, obj.picture_renditions, obj.share_image)

    @admin.display(description=gettext_lazy("tags"))
    def tag_list(self, obj):
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))
