"""Autosave: a form being written is kept while its author writes, and restored on return.

What must hold:

- The admin's change and add forms of reviewed items (``AutosaveAdminMixin``) post
  their values a few seconds after a change and when the page is hidden
  (static ``editorial/autosave.js``) to ``<id>/autosave/`` (``add/autosave/`` for a new
  item). Only someone who may change that item (add, for a new one) may; CSRF applies;
  a wrong method, item or value is a 405/404/400, never a 500.
- An autosave is a ``WorkingCopy`` of kind AUTOSAVE (models.py): one per author and
  item (no object id for a new item), holding the form's values as its widgets read
  them (no files, no workflow fields: publishing is never autosaved). It is its
  author's alone: never public, never a pending change, never approved; it never
  changes the live row, the content version, or anyone's proposal.
- Opening the form again shows the author's autosave when it is newer than the live
  item and than the item's pending change, with a notice giving its time and a
  Discard button (``autosave/discard/``, which deletes it). An older one is not shown.
- Saving the form (a save, or a pending change) deletes its author's autosave.
- Leaving a changed form asks first (the script); without JavaScript the form works
  as before, without autosave.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import WorkingCopy

AUTOSAVE_SECONDS = 5
SCRIPT = "editorial/autosave.js"


def own_autosaves(model, obj, user):
    """`user`'s autosaves of `obj` (None: of a new item of `model`)."""
    return WorkingCopy.objects.autosaves().filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=obj.pk if obj is not None else None,
        author=user,
    )


def posted_values(form_class, data, files, skipped=()):
    """The form's values as its widgets read them from `data`: text, lists of text,
    booleans; raises ValueError for a value no form field can hold."""
    values = {}
    for name, field in form_class.base_fields.items():
        if name in skipped or isinstance(field, forms.FileField):
            continue
        widget = field.widget
        if widget.value_omitted_from_data(data, files, name):
            continue
        value = widget.value_from_datadict(data, files, name)
        texts = value if isinstance(value, (list, tuple)) else [value]
        for text in texts:
            if text is not None and not isinstance(text, (str, bool)):
                raise ValueError(name)
            if isinstance(text, str) and "\x00" in text:
                raise ValueError(name)
        values[name] = list(value) if isinstance(value, tuple) else value
    # Check boxes and multiple choices read as "off" or "none" when not posted at all.
    if not any(isinstance(value, str) for value in values.values()):
        raise ValueError("nothing")
    return values


def keep_autosave(model, obj, user, values):
    """Store `values` as `user`'s autosave of `obj` (None: a new item); returns it."""
    with transaction.atomic():
        autosave = own_autosaves(model, obj, user).select_for_update().first()
        if autosave is None:
            autosave = WorkingCopy(
                kind=WorkingCopy.Kind.AUTOSAVE,
                content_type=ContentType.objects.get_for_model(model),
                object_id=obj.pk if obj is not None else None,
                author=user,
            )
        autosave.data = values
        autosave.based_on = getattr(obj, "updated_at", None)
        autosave.save()
    return autosave


def restorable_autosave(model, obj, user):
    """`user`'s autosave of `obj` (None: a new item) to show, if newer than the live
    item and than its pending change."""
    if not user.is_authenticated:
        return None
    autosave = own_autosaves(model, obj, user).first()
    if autosave is None or obj is None:
        return autosave
    later = [getattr(obj, "updated_at", None)]
    pending = WorkingCopy.objects.of(obj).first()
    if pending is not None:
        later.append(pending.updated_at)
    if any(moment is not None and moment >= autosave.updated_at for moment in later):
        return None
    return autosave


def saved_at(autosave):
    return date_format(timezone.localtime(autosave.updated_at), "j M Y, H:i T")


class AutosaveAdminMixin:
    """Goes before PendingChangesAdminMixin in the bases of a reviewed item's admin."""

    autosave_seconds = AUTOSAVE_SECONDS

    @property
    def media(self):
        return super().media + forms.Media(js=[SCRIPT])

    def autosave_url_name(self, action):
        return f"{self.opts.app_label}_{self.opts.model_name}_{action}"

    def get_urls(self):
        view = self.admin_site.admin_view
        new = {"object_id": None}
        return [
            path(
                "add/autosave/",
                view(self.autosave_view),
                new,
                name=self.autosave_url_name("autosave_add"),
            ),
            path(
                "add/autosave/discard/",
                view(self.discard_autosave_view),
                new,
                name=self.autosave_url_name("autosave_discard_add"),
            ),
            path(
                "<path:object_id>/autosave/",
                view(self.autosave_view),
                name=self.autosave_url_name("autosave"),
            ),
            path(
                "<path:object_id>/autosave/discard/",
                view(self.discard_autosave_view),
                name=self.autosave_url_name("autosave_discard"),
            ),
            *super().get_urls(),
        ]

    def autosave_urls(self, obj):
        """(autosave URL, discard URL) of the form of `obj` (None: the add form)."""
        if obj is None:
            names, args = ("autosave_add", "autosave_discard_add"), []
        else:
            names, args = ("autosave", "autosave_discard"), [obj.pk]
        return tuple(
            reverse(f"{self.admin_site.name}:{self.autosave_url_name(name)}", args=args)
            for name in names
        )

    def may_autosave(self, request, obj):
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def autosave_item(self, request, object_id):
        """The item a POST to an autosave URL is about (None: a new one)."""
        obj = None
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404
        if not self.may_autosave(request, obj):
            raise PermissionDenied
        return obj

    def autosave_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.autosave_item(request, object_id)
        form_class = self.get_form(request, obj, change=obj is not None)
        skipped = getattr(self.model, "WORKFLOW_FIELDS", ())
        try:
            values = posted_values(form_class, request.POST, request.FILES, skipped)
        except ValueError:
            return HttpResponseBadRequest(_("These form values cannot be saved."))
        autosave = keep_autosave(self.model, obj, request.user, values)
        message = _(
            "Saved automatically at %(time)s. Only you see it: save the form to keep it."
        ) % {"time": saved_at(autosave)}
        return JsonResponse({"saved_at": autosave.updated_at.isoformat(), "message": message})

    def discard_autosave_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.autosave_item(request, object_id)
        own_autosaves(self.model, obj, request.user).delete()
        self.message_user(request, _("Your unsaved changes were discarded."), messages.SUCCESS)
        if obj is None:
            return redirect(reverse(f"{self.admin_site.name}:{self.autosave_url_name('add')}"))
        return redirect(
            reverse(f"{self.admin_site.name}:{self.autosave_url_name('change')}", args=[obj.pk])
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        """An unbound form (the page as opened) shows the author's autosave."""
        form = super().get_form(request, obj, change=change, **kwargs)
        autosave = restorable_autosave(self.model, obj, request.user)
        if autosave is None:
            return form
        values = autosave.data

        class Restored(form):
            restored_autosave = autosave

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial.update({k: v for k, v in values.items() if k in self.fields})

        Restored.__name__ = form.__name__
        Restored.base_fields = form.base_fields  # as the admin left them
        return Restored

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        own_autosaves(self.model, obj if change else None, request.user).delete()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if self.may_autosave(request, obj):
            url, discard_url = self.autosave_urls(obj)
            context.update(
                {
                    "autosave_url": url,
                    "autosave_discard_url": discard_url,
                    "autosave_seconds": self.autosave_seconds,
                }
            )
            restored = getattr(form, "restored_autosave", None)
            if restored is not None and not form.is_bound:
                context["restored_autosave"] = restored
                context["restored_autosave_time"] = saved_at(restored)
        return super().render_change_form(request, context, add, change, form_url, obj)
