"""Translations of announcements in the admin: every translation, filterable by language
and by "out of date", with the original's text beside the form to translate from."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from dpga.languages.admin import TranslationAdminMixin, original_text
from dpga.review.admin import PendingChangeFilter, PendingChangesAdminMixin


class AnnouncementTranslationAdmin(
    PendingChangesAdminMixin, TranslationAdminMixin, admin.ModelAdmin
):
    """Every translation, filterable by language, by "out of date" and by pending change
    (a non-publisher's change to a published announcement's translation waits for approval)."""

    change_form_template = "admin/review/change_form.html"
    list_display = [
        "title",
        "language",
        "announcement",
        "up_to_date",
        "changes_pending",
        "updated_at",
    ]
    list_filter = [*TranslationAdminMixin.list_filter, PendingChangeFilter]
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
        "picture_caption",
    ]

    @admin.display(description=gettext_lazy("original"))
    def original(self, obj):
        """The original's text, to translate from."""
        if obj is None or obj.pk is None:
            return "—"
        source = obj.announcement
        return original_text(
            source, source.title, source.summary, source.body, source.picture_caption
        )
