"""The announcement form as a writing page: what holds without JavaScript, and what the
editor script (dpga/static/editorial/admin-editor.js) builds on.

- Title and summary run the full width; the summary is a few lines, limited to its 300
  characters by the browser and counted live by the script (``data-count-limit``).
- The body says how to write Markdown and where pictures come from (the picture
  library); the script adds a toolbar whose picture button opens a dialog that lists
  the library and uploads a new picture into it (``data-picture-chooser``).
- An action bar at the top: the state (draft, ready for review, scheduled with its
  time, published), SAVE, and as the main button the next workflow step this person may
  take ("Submit for review", "Publish", "Schedule"). The latest workflow comment is
  shown above the form.
- The status list offers only the states this person may set (and the current one).
"""

import json

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Announcement
from .states import state_label
from .times import zoned

Status = Announcement.Status
SUMMARY_ROWS = 3


def state_of(announcement):
    """What an announcement is now, in the admin's words (scheduled is a state of its own)."""
    if announcement is None or announcement.pk is None:
        return _("New draft")
    if announcement.is_scheduled:
        return _("Scheduled: goes live %(when)s") % {"when": zoned(announcement.publish_at)}
    return state_label(announcement)


def main_action(announcement, user):
    """The next workflow step for this person, or None (then SAVE is the main button)."""
    probe = announcement or Announcement(status=Status.DRAFT)
    actions = workflow.available_actions(probe, user)
    for action in (workflow.PUBLISH, workflow.SUBMIT):
        if action in actions and probe.status != Status.PUBLISHED:
            return action
    return None


def main_label(action, announcement):
    if action is workflow.PUBLISH:
        if announcement is not None and announcement.publish_at > timezone.now():
            return _("Schedule")
        return _("Publish")
    return action.label


def toolbar_labels():
    """The toolbar's words, in the admin's language (the script has no catalogue)."""
    return {
        "toolbar": _("Formatting"),
        "heading": _("Heading"),
        "bold": _("Bold"),
        "italic": _("Italic"),
        "link": _("Link"),
        "list": _("List"),
        "quote": _("Quote"),
        "picture": _("Picture"),
        "search": _("Search the picture library"),
        "library": _("Open the picture library (opens a new tab)"),
        "none": _("No pictures found."),
        "upload_legend": _("Upload a new picture"),
        "upload_submit": _("Upload and insert"),
        "uploading": _("Uploading…"),
        "upload_failed": _(
            "The picture could not be uploaded. Try again, or upload it in the picture library."
        ),
    }


class WritingFormAdminMixin:
    """For AnnouncementAdmin: the form's layout and buttons as described above."""

    save_on_top = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "title":
            formfield.widget.attrs["class"] = "vTextField writing-wide"
        elif db_field.name == "summary":
            formfield.widget = forms.Textarea(
                attrs={
                    "rows": SUMMARY_ROWS,
                    "maxlength": db_field.max_length,
                    "class": "writing-wide",
                    "data-count-limit": db_field.max_length,
                    "data-count-label": _("%(count)s of %(limit)s characters"),
                }
            )
        elif db_field.name == "publish_at":
            # The admin's date and time boxes say "Date:" and "Time:" as text only.
            date, time = formfield.widget.widgets
            date.attrs["aria-label"] = _("Publish date")
            time.attrs["aria-label"] = _("Publish time")
        elif db_field.name == "body":
            library = reverse("admin:dpga_librarypicture_changelist")
            formfield.help_text = format_html(
                "{} <code>## {}</code> · <code>**{}**</code> · <code>*{}*</code> · "
                "<code>[{}](https://…)</code> · <code>- {}</code> · <code>&gt; {}</code>. {}",
                _("Markdown:"),
                _("Heading"),
                _("bold"),
                _("italic"),
                _("link"),
                _("list item"),
                _("quote"),
                format_html(
                    _(
                        "Pictures come from the {}: choose or upload one with the picture button, "
                        "or paste its Markdown."
                    ),
                    format_html('<a href="{}">{}</a>', library, _("picture library")),
                ),
            )
            formfield.widget.attrs.update(
                {
                    "data-picture-chooser": reverse("admin:dpga_librarypicture_choose"),
                    "data-toolbar-labels": json.dumps(toolbar_labels()),
                }
            )
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        status = form.base_fields.get("status")
        if status is not None and not workflow.can_publish(request.user):
            current = obj.status if obj is not None else Status.DRAFT
            status.choices = [
                (value, label)
                for value, label in status.choices
                if value != Status.PUBLISHED or value == current
            ]
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        action = main_action(obj, request.user)
        latest = None
        if obj is not None:
            latest = obj.transitions.select_related("by").exclude(comment="").first()
        context.update(
            {
                "writing_state": state_of(obj),
                "main_action": action,
                "main_action_label": main_label(action, obj) if action else "",
                "other_actions": [
                    step
                    for step in workflow.available_actions(
                        obj or Announcement(status=Status.DRAFT), request.user
                    )
                    if step is not action
                ],
                "latest_comment": latest,
                "site_now": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
