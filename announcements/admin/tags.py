"""Tags in the admin: the hint under an announcement's tags field (what will be saved),
merging tags (old tag pages and feeds redirect to the kept one), and the merges made.

Taggit's own tag admin is replaced (announcements/admin/__init__.py); its merge view,
which renames without redirects, is gone.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag

from dpga.admin import ReadOnlyAdminMixin
from dpga.control_characters import single_line
from dpga.languages.admin import TranslationAdminMixin

from ..models import TagTranslation
from ..tagging import merge_tags, tag_hint
from .times import zoned


class TagHintAdminMixin:
    """The tags field's hint for AnnouncementAdmin: as JSON, how the text typed splits into
    tags and which of them are new."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("tag-hint/", view(self.tag_hint_view), name="announcements_announcement_tag_hint"),
            *super().get_urls(),
        ]

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


class TagForm(forms.ModelForm):
    """A tag's name is one line of text (taggit's model does not say so)."""

    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(single_line)


class TagTranslationInline(admin.TabularInline):
    """A tag's name in other languages, on the tag's page (out of date once the tag is
    renamed, until saved again)."""

    model = TagTranslation
    fields = ["language", "name", "up_to_date"]
    readonly_fields = ["up_to_date"]
    extra = 0

    @admin.display(boolean=True, description=gettext_lazy("up to date"))
    def up_to_date(self, obj):
        return None if obj.pk is None else not obj.is_out_of_date


class TagTranslationAdmin(TranslationAdminMixin, admin.ModelAdmin):
    """Every tag translation, filterable by language and by "out of date"."""

    list_display = ["name", "language", "tag", "up_to_date", "updated_at"]
    list_select_related = ["tag"]
    search_fields = ["name", "tag__name"]
    autocomplete_fields = ["tag"]
    fields = ["tag", "language", "name"]


class TagAdmin(TaggitTagAdmin):
    """Taggit's tag admin, with a merge that leaves 301s behind and a record, and tag
    names refused control characters."""

    form = TagForm
    actions = ["merge_selected_tags"]
    list_display = ["name", "slug", "usage"]
    change_list_template = "admin/taggit/tag/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(usage_count=Count("taggit_taggeditem_items"))

    def changelist_view(self, request, extra_context=None):
        can_merge = "merge_selected_tags" in self.get_actions(request)
        return super().changelist_view(request, {"can_merge": can_merge, **(extra_context or {})})

    @admin.display(description=gettext_lazy("used by"), ordering="usage_count")
    def usage(self, obj):
        return ngettext("%(count)d announcement", "%(count)d announcements", obj.usage_count) % {
            "count": obj.usage_count
        }

    inlines = [TagTranslationInline]

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
                ngettext(
                    "Merged %(merged)s into “%(into)s”; %(count)d item re-tagged. "
                    "Their old pages and feeds redirect to it.",
                    "Merged %(merged)s into “%(into)s”; %(count)d items re-tagged. "
                    "Their old pages and feeds redirect to it.",
                    record.items_moved,
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


class TagMergeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every merge of tags: written by the merge, never edited."""

    list_display = ["merged_names", "into_name", "items_moved", "merged_by", "when"]
    list_select_related = ["merged_by"]

    @admin.display(description=gettext_lazy("when"), ordering="merged_at")
    def when(self, obj):
        return zoned(obj.merged_at)
