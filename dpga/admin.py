"""Admin pieces shared by announcements and members: revisions, live preview, and
read-only lists of what the site records by itself."""

import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import LibraryPicture, SlugRedirect
from .pictures.admin import LibraryPictureAdmin
from .pictures.body import image_problems
from .rendering import render_markdown
from .review.admin import WorkingCopyAdmin
from .review.models import WorkingCopy
from .revisions import compare, restore, write_revision

PREVIEW_MAX_CHARS = 200_000
EDITOR_MEDIA_JS = ["editorial/picture-dialog.js", "editorial/admin-editor.js"]
EDITOR_MEDIA_CSS = {"all": ["editorial/admin-editor.css"]}


def change_summary(change):
    """One line for a revision list: "old → new", or for a long text how many lines
    were added and removed."""
    if change.lines:
        added = sum(1 for kind, _text in change.lines if kind == "+")
        removed = sum(1 for kind, _text in change.lines if kind == "-")
        return _("changed: %(added)s, %(removed)s") % {
            "added": ngettext("%(count)d line added", "%(count)d lines added", added)
            % {"count": added},
            "removed": ngettext("%(count)d line removed", "%(count)d lines removed", removed)
            % {"count": removed},
        }
    return f"{change.old} → {change.new}"


class ReadOnlyAdminMixin:
    """For records the site writes by itself (workflow steps, tag merges, preview links,
    moved addresses): the admin lists and shows them, and refuses adding, changing and
    deleting, except what ``still_allowed`` names ("add", "change", "delete"), which
    the user's own permissions then decide."""

    still_allowed = ()

    def has_add_permission(self, request):
        return "add" in self.still_allowed and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return "change" in self.still_allowed and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return "delete" in self.still_allowed and super().has_delete_permission(request, obj)


class RevisionAdmin(SimpleHistoryAdmin):
    """One revision per admin save; a readable diff and a restore per revision."""

    object_history_template = "admin/revision_history.html"
    object_history_list_template = "admin/revision_history_list.html"
    object_history_form_template = "admin/revision_detail.html"

    def save_model(self, request, obj, form, change):
        # The revision is written in save_related, once relations are saved too.
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        obj.__dict__.pop("skip_history_when_saving", None)
        write_revision(obj, request.user)

    def restore_revision(self, request, obj, record):
        """Restore `record` onto `obj`; returns what to tell the user (a hook:
        dpga.review makes it a pending change where that needs approval)."""
        return restore(obj, record, self.model.RESTORE_FIELDS, request.user)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each revision's changes as a person reads them (the form's labels, times in the
        site's zone, a long text as the lines added and removed), not raw values."""
        labels = {name: field.label for name, field in self.form.base_fields.items()}
        records = list(historical_records)
        for newer, older in zip(records, records[1:] + [None], strict=True):
            newer.history_delta_changes = (
                [
                    {"field": change.label, "summary": change_summary(change)}
                    for change in compare(
                        self.model, older, newer, self.model.REVISION_FIELDS, labels
                    )
                ]
                if older is not None
                else []
            )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not re.fullmatch(r"[0-9]{1,18}", str(version_id)):
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        record = obj.history.filter(history_id=int(version_id)).first()
        if record is None:
            raise Http404
        model = self.model
        can_restore = self.has_change_permission(request, obj)
        if request.method == "POST":
            if not can_restore:
                raise PermissionDenied
            try:
                reason = self.restore_revision(request, obj, record)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("This revision cannot be restored: %(errors)s")
                    % {"errors": " ".join(error.messages)},
                    level=messages.ERROR,
                )
                return redirect(request.path)
            self.message_user(request, reason, level=messages.SUCCESS)
            info = self.opts.app_label, self.opts.model_name
            return redirect(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        current = obj.history.first()
        previous = record.prev_record
        # A field is called what the change form calls it.
        labels = {name: field.label for name, field in self.form.base_fields.items()}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revision of “%(object)s”") % {"object": obj},
            "opts": self.opts,
            "object": obj,
            "record": record,
            "previous": previous,
            "is_current": current is not None and current.pk == record.pk,
            "changes_made": compare(model, previous, record, model.REVISION_FIELDS, labels),
            "restore_changes": compare(
                model,
                current,
                record,
                [name for name in model.RESTORE_FIELDS if name in model.REVISION_FIELDS],
                labels,
            )
            if current
            else [],
            "can_restore": can_restore,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_form_template, context)


def shown_pictures_only(text):
    """A Markdown field's error when one of its pictures would not be shown (another
    site's address, an unknown library picture): flagged before saving."""
    problems = image_problems(text)
    if problems:
        raise ValidationError(problems, code="picture_not_shown")


class MarkdownPreviewAdmin(admin.ModelAdmin):
    """Live preview of Markdown fields beside the editor, rendered by the server.

    Uses dpga.rendering.render_markdown, so the preview is exactly what the
    public page shows (same Markdown, same sanitiser).
    """

    markdown_fields = []

    class Media:
        js = EDITOR_MEDIA_JS
        css = EDITOR_MEDIA_CSS

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "markdown-preview/",
                self.admin_site.admin_view(self.markdown_preview_view),
                name="{}_{}_markdown_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.markdown_fields:
            formfield.validators.append(shown_pictures_only)
            info = self.opts.app_label, self.opts.model_name
            formfield.widget.attrs.update(
                {
                    "data-markdown-preview": reverse("admin:{}_{}_markdown_preview".format(*info)),
                    "data-preview-label": _("Preview (as on the public page)"),
                }
            )
        return formfield

    def markdown_preview_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        text = request.POST.get("text", "")
        if len(text) > PREVIEW_MAX_CHARS:
            return JsonResponse({"error": _("The text is too long to preview.")}, status=400)
        return JsonResponse({"html": render_markdown(text)})


@admin.register(SlugRedirect)
class SlugRedirectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["old_slug", "new_slug", "kind", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["old_slug", "new_slug"]
    readonly_fields = ["created_at", "updated_at"]
    # Written automatically when a slug changes, a tag is merged or news is deleted;
    # an editor may still correct or remove one.
    still_allowed = ("change", "delete")


admin.site.register(WorkingCopy, WorkingCopyAdmin)
admin.site.register(LibraryPicture, LibraryPictureAdmin)
