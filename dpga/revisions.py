"""Revisions of announcements and members: who, when, what changed, and restore.

Built on django-simple-history: each tracked model gets a real history table
that migrates with the model, so old revisions stay readable after schema
changes and can be queried like any other table. One revision is written per
save in the admin, after tags and many-to-many relations are saved, so a
revision always shows the whole object as it was.

A row loaded as it was saved (`loaddata`, a restored backup: its saves are
`raw`) is no edit: neither its save nor the relations loaded with it write a
revision; the backup's own revisions are loaded with it.
"""

import difflib
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import ManyToManyField
from django.db.models.fields.files import FieldFile
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from taggit.utils import parse_tags

REASON_MAX_LENGTH = 500


class Revisions(HistoricalRecords):
    """HistoricalRecords that can also write a revision on demand."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender._revisions = self
            uid = f"dpga.revisions.loaded.{sender._meta.label_lower}"
            pre_save.connect(loaded_as_saved, sender=sender, weak=False, dispatch_uid=uid)

    def write(self, instance):
        history_type = "~" if instance.history.exists() else "+"
        self.create_historical_record(instance, history_type)


def loaded_as_saved(sender, instance, raw=False, **kwargs):
    """A raw save loads a row as it was: the relations loaded with it are no edit.

    (Saving it writes no revision already; setting its many-to-many relations
    would, without django-simple-history's documented skip_history_when_saving.)
    """
    if raw:
        instance.skip_history_when_saving = True


def write_revision(instance, user=None, reason=None):
    """Write one revision of `instance` as it is now, relations included."""
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    reason = reason or instance.__dict__.pop("_revision_reason", None)
    instance._change_reason = (reason or "")[:REASON_MAX_LENGTH] or None
    try:
        type(instance)._revisions.write(instance)
    finally:
        instance.__dict__.pop("_change_reason", None)
        instance.__dict__.pop("_history_user", None)


@contextmanager
def one_revision(instance, user=None, reason=None):
    """Save freely inside the block; exactly one revision is written at its end.

    Nested blocks leave the writing to the outermost one (and hand it their
    reason).
    """
    if getattr(instance, "skip_history_when_saving", False):
        yield instance
        if reason:
            instance._revision_reason = reason
        return
    instance.skip_history_when_saving = True
    try:
        yield instance
    finally:
        instance.__dict__.pop("skip_history_when_saving", None)
    write_revision(instance, user, reason)


# Reading revisions -------------------------------------------------------------


@dataclass
class Change:
    """One field that differs between two revisions, ready to show."""

    name: str
    label: str
    old: str
    new: str
    lines: list = field(default_factory=list)  # (kind, text) for long text; kind in + - " "


def display_value(model, record, name):
    """A field's value in a revision, as a person reads it."""
    if name == "tags":
        return record.tag_names or "—"
    model_field = model._meta.get_field(name)
    if isinstance(model_field, ManyToManyField):
        related = model_field.remote_field.model
        ids = _m2m_ids(model_field, record)
        names = sorted(str(obj) for obj in related._base_manager.filter(pk__in=ids))
        return ", ".join(names) or "—"
    value = getattr(record, model_field.attname)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "tzinfo") and value is not None and hasattr(value, "hour"):
        local = timezone.localtime(value)
        return f"{date_format(local, 'j M Y, H:i')} {local.tzname()}"
    if isinstance(value, FieldFile):
        return value.name or "—"
    if hasattr(value, "year"):
        return date_format(value)
    if value in (None, ""):
        return "—"
    if model_field.is_relation:
        obj = model_field.related_model._base_manager.filter(pk=value).first()
        return str(obj) if obj else f"#{value}"
    return str(value)


def _m2m_ids(model_field, record):
    """Ids of the related objects a revision's many-to-many history holds."""
    rows = getattr(record, model_field.name).all()
    through_field = model_field.m2m_reverse_field_name()
    return [getattr(row, f"{through_field}_id") for row in rows]


def compare(model, old_record, new_record, fields, labels=None):
    """The fields that differ from `old_record` to `new_record` (None = empty).

    `labels`: what to call a field where its verbose name will not do (the admin
    form's label: a member's picture is its "logo").
    """
    changes = []
    labels = labels or {}
    for name in fields:
        label = labels.get(name) or (
            _("tags") if name == "tags" else model._meta.get_field(name).verbose_name
        )
        old = display_value(model, old_record, name) if old_record else "—"
        new = display_value(model, new_record, name)
        if old != new:
            changes.append(text_change(name, label, old, new))
    return changes


def text_change(name, label, old, new):
    """A Change from one shown value to another; long text as lines added and removed."""
    lines = []
    if "\n" in old or "\n" in new or max(len(old), len(new)) > 120:
        before = "" if old == "—" else old
        after = "" if new == "—" else new
        lines = [
            (line[0], line[2:])
            for line in difflib.ndiff(before.splitlines(), after.splitlines())
            if line[0] in "+- "
        ]
    return Change(name, str(label).capitalize(), old, new, lines)


def restore(instance, record, fields, user):
    """Copy `fields` from a revision back onto `instance`; that is a new revision.

    Raises ValidationError (before changing anything in the database) when a
    restored value is no longer allowed, e.g. another object took the slug.
    """
    reason = restore_reason(record)
    relations = copy_revision(instance, record, fields)
    instance.validate_unique()
    instance.validate_constraints()
    with transaction.atomic(), one_revision(instance, user, reason):
        instance.save()
        for name, value in relations.items():
            if name == "tags":
                instance.tags.set(parse_tags(value))
            else:
                getattr(instance, name).set(value)
    return reason


def restore_reason(record):
    when = timezone.localtime(record.history_date)
    return _("Restored the revision of %(when)s") % {
        "when": f"{date_format(when, 'j M Y, H:i')} {when.tzname()}"
    }


def copy_revision(instance, record, fields):
    """Copy a revision's `fields` onto `instance` in memory (nothing is saved).

    Returns its relations as they were: {"tags": "edit string", m2m name: [pks]}.
    """
    model = type(instance)
    relations = {}
    for name in fields:
        if name == "tags":
            relations[name] = record.tag_names
            continue
        model_field = model._meta.get_field(name)
        if isinstance(model_field, ManyToManyField):
            # Related objects deleted since then cannot come back; the others do.
            relations[name] = list(
                model_field.related_model._base_manager.filter(
                    pk__in=_m2m_ids(model_field, record)
                ).values_list("pk", flat=True)
            )
        else:
            setattr(instance, model_field.attname, getattr(record, model_field.attname))
    return relations
