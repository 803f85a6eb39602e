"""Two people editing at once: nothing is lost.

A change form carries, in a hidden field, what it showed when it was opened (signed, so
it is the site's own record; the time it was opened too). Saving compares that with
what the form would show now. When someone saved in between, the save is refused with
a form error naming who saved, when, and each field they changed (old → new); the
editor's own posted text stays in the form to merge, and the hidden field now holds
the current values, so saving the merged text again goes through.

A form posted without the field (a script, an old page) is not checked; one whose
field was tampered with is refused. ``checked_form()`` adds this to any ModelForm
class; dpga.review.admin's mixin does it for every reviewed admin. Nothing here
imports an app.
"""

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

OPENED_FIELD = "opened_as"
SALT = "dpga.review.conflicts"
SHOWN_CHARS = 300


def shown(value):
    """A form's initial value as text, to compare and to show."""
    if value is None:
        return ""
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (list, tuple, set, QuerySet)):
        return ", ".join(sorted((str(getattr(v, "name", v)) for v in value), key=str.lower))
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{date_format(local, 'j M Y, H:i')}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def short(text):
    text = text or "—"
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + " …"


def last_saved_by(instance, since, pending=None):
    """(who, when) of the latest save of `instance` after `since`: its revisions, the
    admin's log, or its pending change; who is None when unknown."""
    candidates = []
    history = getattr(instance, "history", None)
    if history is not None:
        record = history.filter(history_date__gt=since).first()
        if record is not None:
            candidates.append((record.history_date, record.history_user))
    content_type = ContentType.objects.get_for_model(instance)
    entry = (
        LogEntry.objects.filter(
            content_type=content_type, object_id=str(instance.pk), action_time__gt=since
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
    )
    if entry is not None:
        candidates.append((entry.action_time, entry.user))
    if pending is not None and pending.updated_at > since:
        candidates.append((pending.updated_at, pending.author))
    if not candidates:
        return None, None
    when, who = max(candidates, key=lambda pair: pair[0])
    return who, when


class EditConflictFormMixin:
    """For a ModelForm: refuse a save from a form opened before someone else's save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[OPENED_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk is not None:
            self.fields[OPENED_FIELD].initial = self.opened_token()

    def opened_token(self):
        return signing.dumps(
            {"at": timezone.now().isoformat(), "values": self.shown_values()},
            salt=SALT,
            compress=True,
        )

    def shown_values(self):
        """What each field of the form shows now (its initial value, as text)."""
        return {
            name: shown(self.get_initial_for_field(field, name))
            for name, field in self.fields.items()
            if name != OPENED_FIELD and not name.startswith("workflow_")
        }

    def clean(self):
        cleaned = super().clean()
        token = self.data.get(self.add_prefix(OPENED_FIELD))
        if not token or self.instance.pk is None:
            return cleaned
        try:
            opened = signing.loads(token, salt=SALT)
            opened_at = parse_datetime(opened["at"])
            values = dict(opened["values"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.refuse([_("This form could not be checked against later saves: save again.")])
        now = self.shown_values()
        changed = [
            (name, values[name], value)
            for name, value in now.items()
            if name in values and values[name] != value
        ]
        if changed:
            # A form showing a pending change (dpga.review.admin) names its author too.
            pending = getattr(self, "pending_change", None)
            who, when = last_saved_by(self.instance, opened_at, pending)
            self.refuse(self.conflict_messages(who, when, changed))
        return cleaned

    def conflict_messages(self, who, when, changed):
        name = (who.get_full_name() or who.get_username()) if who else _("Someone")
        at = date_format(timezone.localtime(when), "j M Y, H:i T") if when else ""
        lines = [
            _(
                "%(name)s saved this page at %(time)s, after you opened it. Your save was "
                "refused so that nothing of theirs is lost. Your text is kept below: merge "
                "their changes into it and save again. What they changed:"
            )
            % {"name": name, "time": at}
        ]
        for field_name, old, new in changed:
            label = self.fields[field_name].label or field_name
            lines.append(
                _("%(field)s: “%(old)s” → “%(new)s”")
                % {"field": label, "old": short(old), "new": short(new)}
            )
        return lines

    def refuse(self, messages):
        """Raise the form error; the next save is checked against the values as now."""
        self.data = self.data.copy()
        self.data[self.add_prefix(OPENED_FIELD)] = self.opened_token()
        raise ValidationError([ValidationError(message) for message in messages])


def checked_form(form_class):
    """`form_class` refusing a save from a form opened before someone else's save."""
    checked = type(form_class.__name__, (EditConflictFormMixin, form_class), {})
    # The fields as the admin left them (the subclass built them again from Meta).
    checked.base_fields = form_class.base_fields
    return checked
