"""Pending changes in the admin.

``PendingChangesAdminMixin`` goes first in the bases of the admin of every item the
public sees (announcements, members, their translations). For someone without the
publish permission (dpga.review.models.PUBLISH_PERMISSION):

- saving a public item (``goes_public()``, before or after the change), or adding one
  that would be public, keeps the form's values as the item's working copy; the live
  item, and so the public page, stays as approved;
- restoring a revision of a public item proposes that revision the same way;
- the change form shows their pending text, to keep editing; deleting a public item
  is not theirs to do.

For everyone, a save from a change form opened before someone else's save is refused
(conflicts.py), so two people editing at once lose nothing.

Publishers see the pending change on the item's page (what would change, Approve,
Reject) and all of them in "Pending changes" (``WorkingCopyAdmin``), which anyone who
may change the item can read; its author may also withdraw it.
"""

import copy
import types

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.managers import TaggableManager
from taggit.utils import edit_string_for_tags

from ..revisions import copy_revision, restore_reason
from .conflicts import checked_form
from .models import WorkingCopy, may_publish


def change_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def form_labels(form):
    return {name: field.label for name, field in form.base_fields.items() if field.label}


class PendingChangeFilter(admin.SimpleListFilter):
    title = gettext_lazy("changes pending")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", _("Changes pending approval")), ("no", _("No pending change"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(has_pending_change=True)
        if self.value() == "no":
            return queryset.filter(has_pending_change=False)
        return queryset


class PendingChangesAdminMixin:
    """Saves and restores by non-publishers of public items become pending changes."""

    # Which changes wait -------------------------------------------------------------

    def needs_review(self, request, obj, live):
        """A non-publisher's change to a public item, or one making an item public."""
        if may_publish(request.user):
            return False
        if live is not None and live.goes_public():
            return True
        probe = copy.copy(obj)
        for name in getattr(self.model, "WORKFLOW_FIELDS", ()):
            field = self.model._meta.get_field(name)
            setattr(probe, name, getattr(live, name) if live else field.get_default())
        return probe.goes_public()

    def proposal_fields(self, form):
        """The model fields of the form, less those only the workflow changes."""
        names = []
        for name in form.base_fields:
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.editable and name not in getattr(self.model, "WORKFLOW_FIELDS", ()):
                names.append(name)
        return names

    def pending_copy(self, obj):
        if obj is None or obj.pk is None:
            return None
        return WorkingCopy.objects.of(obj).select_related("author").first()

    # Saving ---------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        live = self.model._default_manager.get(pk=obj.pk) if change else None
        if not self.needs_review(request, obj, live):
            super().save_model(request, obj, form, change)
            return
        fields = self.proposal_fields(form)
        relations = {
            name: form.cleaned_data[name]
            for name in fields
            if self.model._meta.get_field(name).many_to_many and name in form.cleaned_data
        }
        obj.pending_change = WorkingCopy.objects.propose(
            obj, fields, request.user, relations, live=live
        )
        if set(getattr(self.model, "WORKFLOW_FIELDS", ())) & set(form.changed_data):
            self.message_user(
                request,
                _(
                    "Only publishers may publish, schedule or unpublish: the publishing "
                    "state and time stay as they are."
                ),
                level=messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        if not hasattr(form.instance, "pending_change"):
            super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        if not hasattr(obj, "pending_change"):
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if not hasattr(obj, "pending_change"):
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if not hasattr(obj, "pending_change"):
            return super().response_add(request, obj, post_url_continue)
        self.say_pending(request, obj.pending_change)
        pending = obj.pending_change
        return redirect(reverse("admin:dpga_workingcopy_change", args=[pending.pk]))

    def response_change(self, request, obj):
        if not hasattr(obj, "pending_change"):
            return super().response_change(request, obj)
        self.say_pending(request, obj.pending_change)
        return redirect(change_url(obj))

    def say_pending(self, request, pending):
        if pending is None:
            self.message_user(
                request,
                _("Nothing differs from the live version: no change is pending."),
                level=messages.INFO,
            )
            return
        self.message_user(
            request,
            _(
                "Your change to “%(item)s” waits for a publisher's approval: the public "
                "page keeps the approved version until then. You can keep editing it here."
            )
            % {"item": pending},
            level=messages.SUCCESS,
        )

    def restore_revision(self, request, obj, record):
        if not self.needs_review(request, obj, obj):
            return super().restore_revision(request, obj, record)
        fields = [
            name
            for name in self.model.RESTORE_FIELDS
            if name not in getattr(self.model, "WORKFLOW_FIELDS", ())
        ]
        proposed = self.model._default_manager.get(pk=obj.pk)
        relations = copy_revision(proposed, record, fields)
        pending = WorkingCopy.objects.propose(proposed, fields, request.user, relations, live=obj)
        if pending is None:
            return _("That revision is the live version: no change is pending.")
        return _(
            "%(reason)s as a pending change: a publisher approves it before the public sees it."
        ) % {"reason": restore_reason(record)}

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.goes_public() and not may_publish(request.user):
            return False
        return super().has_delete_permission(request, obj)

    # Showing ----------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A non-publisher keeps editing the pending text, not the live one; a save from
        a form opened before someone else's is refused (conflicts.py)."""
        form = super().get_form(request, obj, change=change, **kwargs)
        pending = None if may_publish(request.user) else self.pending_copy(obj)
        if pending is None:
            return checked_form(form)
        initial = pending_initial(pending)

        class WithPendingChange(form):
            pending_change = pending

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial.update({k: v for k, v in initial.items() if k in self.fields})

        WithPendingChange.base_fields = form.base_fields  # as the admin left them
        return checked_form(WithPendingChange)

    def get_object(self, request, object_id, from_field=None):
        """On a save, the item's row is locked until the save commits (the admin saves
        in one transaction; PostgreSQL): two saves of one item are checked for a
        conflict one after the other (conflicts.py), never both against the same old
        values. Read again once locked: what the other save committed is seen."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None or request.method != "POST" or transaction.get_autocommit():
            return obj  # a lock lasts only as long as a transaction (autosave has none)
        return self.get_queryset(request).select_for_update(of=("self",)).get(pk=obj.pk)

    def get_queryset(self, request):
        pending = WorkingCopy.objects.of_model(self.model).filter(object_id=OuterRef("pk"))
        return super().get_queryset(request).annotate(has_pending_change=Exists(pending))

    @admin.display(boolean=True, description=gettext_lazy("changes pending"))
    def changes_pending(self, obj):
        return getattr(obj, "has_pending_change", False)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        pending = self.pending_copy(obj)
        if pending is not None:
            context.update(
                {
                    "pending_change": pending,
                    "pending_changes": pending.changes(form_labels(context["adminform"].form)),
                    "may_approve": may_publish(request.user),
                    "may_withdraw": may_publish(request.user) or pending.author == request.user,
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


def pending_initial(pending):
    """The change form's initial values from a working copy."""
    proposed = pending.proposed()
    initial = {}
    for name, value in pending.data.items():
        field = pending.model._meta.get_field(name)
        if isinstance(field, TaggableManager):
            initial[name] = edit_string_for_tags([types.SimpleNamespace(name=n) for n in value])
        elif field.many_to_many:
            initial[name] = list(field.related_model._base_manager.filter(pk__in=value))
        elif field.is_relation:
            initial[name] = getattr(proposed, field.attname)
        else:
            initial[name] = field.value_from_object(proposed)
    return initial


class WorkingCopyAdmin(admin.ModelAdmin):
    """Every pending change: what would change, Approve (publishers), Reject."""

    list_display = ["__str__", "content_type", "author", "updated_at"]
    list_filter = ["content_type"]
    list_select_related = ["content_type", "author"]
    fields = ["item_link", "content_type", "author", "based_on", "updated_at", "what_changes"]
    readonly_fields = fields
    change_form_template = "admin/review/workingcopy/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=WorkingCopy.Kind.PROPOSAL)

    def may_change_item(self, request, obj):
        meta = obj.model._meta
        return request.user.has_perm(f"{meta.app_label}.change_{meta.model_name}")

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_active and request.user.is_staff
        return self.may_change_item(request, obj)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("item"))
    def item_link(self, obj):
        live = obj.live()
        if live is None:
            return str(obj)
        return format_html('<a href="{}">{}</a>', change_url(live), live)

    @admin.display(description=gettext_lazy("what approving changes"))
    def what_changes(self, obj):
        return render_to_string(
            "admin/includes/_revision_changes.html",
            {"changes": obj.changes(), "before_label": _("Live"), "after_label": _("Proposed")},
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="dpga_workingcopy_approve",
            ),
            path(
                "<path:object_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="dpga_workingcopy_reject",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["may_approve"] = may_publish(request.user)
            context["may_withdraw"] = may_publish(request.user) or obj.author == request.user
            context["pending_change"] = obj
        return super().render_change_form(request, context, add, change, form_url, obj)

    def pending_or_404(self, request, object_id):
        if request.method != "POST":
            return None, HttpResponseNotAllowed(["POST"])
        pending = WorkingCopy.objects.proposals().filter(pk=unquote(object_id)).first()
        if pending is None:
            raise Http404
        if not self.may_change_item(request, pending):
            raise PermissionDenied
        return pending, None

    def after(self, request, live):
        if live is not None and live.pk:
            return redirect(change_url(live))
        return redirect(reverse("admin:dpga_workingcopy_changelist"))

    def approve_view(self, request, object_id):
        pending, refusal = self.pending_or_404(request, object_id)
        if refusal:
            return refusal
        if not may_publish(request.user):
            raise PermissionDenied
        name = str(pending)
        try:
            live = pending.approve(request.user)
        except ValidationError as error:
            self.message_user(
                request,
                _("This change cannot be approved: %(errors)s")
                % {"errors": " ".join(error.messages)},
                level=messages.ERROR,
            )
            return redirect(reverse("admin:dpga_workingcopy_change", args=[pending.pk]))
        self.message_user(
            request,
            _("The change to “%(item)s” is approved and live.") % {"item": name},
            level=messages.SUCCESS,
        )
        return self.after(request, live)

    def reject_view(self, request, object_id):
        pending, refusal = self.pending_or_404(request, object_id)
        if refusal:
            return refusal
        if not (may_publish(request.user) or pending.author == request.user):
            raise PermissionDenied
        live, name = pending.live(), str(pending)
        pending.reject()
        self.message_user(
            request,
            _("The pending change to “%(item)s” was discarded; the live version stays.")
            % {"item": name},
            level=messages.SUCCESS,
        )
        return self.after(request, live)
