"""The working copy: the proposed values of one item, kept apart from the live item.

What must hold:

- The live row is untouched until ``approve()``: pages, feeds, sitemaps and the
  content version read live rows only, and this model sends no content-version signal,
  so nothing public changes while a change is pending.
- One proposal (``kind`` PROPOSAL) per existing item (content type + object id). A new
  item whose parent is public (a translation of a published announcement, a member
  with a join date) is proposed with no object id.
- An autosave (``kind`` AUTOSAVE, autosave.py) is the same mechanism for a form still
  being written: one per author and item (no object id: a new item), holding the
  form's raw values; it is its author's alone, never a pending change, never approved,
  and never takes the place of anyone's proposal. ``proposals()`` and ``of()`` see
  proposals only.
- ``data`` holds only the fields that differ from the live item (all of them for a new
  item): plain fields as ``Field.value_to_string()`` gives them (``None`` for null),
  many-to-many fields as sorted primary keys, tags as sorted names. A proposal equal
  to the live item is no proposal: it is discarded.
- A picture uploaded for a proposal is stored (cleaned, like any upload) when proposed;
  the live item keeps its own until approval; rejecting deletes the unused upload.
- ``approve()`` validates the item with the proposal applied (``full_clean``), saves
  it (one revision, credited to the approver, where the model keeps revisions) and
  deletes the working copy, in one transaction: a save like any other, so the content
  version moves and caches, feeds and sitemaps follow.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import FileField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.managers import TaggableManager
from taggit.utils import parse_tags

from ..revisions import one_revision, text_change

# The permission of those who may make things public (the Publishers group has it).
PUBLISH_PERMISSION = "announcements.publish_announcement"


def may_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def kept_value(obj, field, relations=None):
    """A field's value as a working copy keeps it (see the module's docstring)."""
    if relations is not None and field.name in relations:
        value = relations[field.name]
        if isinstance(field, TaggableManager):
            names = parse_tags(value) if isinstance(value, str) else [str(v) for v in value]
            return sorted(names, key=str.lower)
        return sorted(getattr(item, "pk", item) for item in value)
    if isinstance(field, TaggableManager):
        return sorted((tag.name for tag in obj.tags.all()), key=str.lower) if obj.pk else []
    if field.many_to_many:
        return sorted(getattr(obj, field.name).values_list("pk", flat=True)) if obj.pk else []
    if field.value_from_object(obj) is None:
        return None
    return field.value_to_string(obj)


def shown_value(field, value):
    """A kept value as a person reads it."""
    if value in (None, "", []):
        return "—"
    if isinstance(field, TaggableManager):
        return ", ".join(value)
    if field.many_to_many:
        related = field.related_model._base_manager.filter(pk__in=value)
        return ", ".join(sorted(str(obj) for obj in related)) or "—"
    if field.is_relation:
        obj = field.related_model._base_manager.filter(pk=value).first()
        return str(obj) if obj else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value == "True" else _("No")
    return str(value)


class WorkingCopyQuerySet(models.QuerySet):
    def proposals(self):
        """Pending changes: working copies submitted for review (no autosaves)."""
        return self.filter(kind=WorkingCopy.Kind.PROPOSAL)

    def autosaves(self):
        return self.filter(kind=WorkingCopy.Kind.AUTOSAVE)

    def of(self, obj):
        """The pending change of a saved item, if any (a queryset of at most one)."""
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.proposals().filter(content_type=content_type, object_id=obj.pk)

    def of_model(self, model):
        return self.proposals().filter(content_type=ContentType.objects.get_for_model(model))

    def propose(self, proposed, fields, user, relations=None, live=None):
        """Keep `proposed` (an unsaved in-memory item) as the pending change of its live
        item, by `user`; returns the working copy, or None when it equals the live item.

        `fields`: the fields proposed; `relations`: many-to-many values and tags
        (default: the live ones).
        """
        model = type(proposed)
        if live is None and proposed.pk:
            live = model._default_manager.get(pk=proposed.pk)
        data = {}
        for name in fields:
            field = model._meta.get_field(name)
            if isinstance(field, FileField):
                field.pre_save(proposed, add=False)  # an upload is stored (cleaned) now
            if field.many_to_many and (relations is None or name not in relations):
                continue
            value = kept_value(proposed, field, relations)
            if live is None or value != kept_value(live, field):
                data[name] = value
        copy = self.of(live).first() if live is not None else None
        if not data:
            if copy is not None:
                copy.reject()
            return None
        if copy is None:
            copy = self.model(
                content_type=ContentType.objects.get_for_model(model),
                object_id=live.pk if live is not None else None,
            )
        copy.discard_unused_files(keep=data)
        copy.data = data
        copy.author = user if user.is_authenticated else None
        copy.based_on = getattr(live, "updated_at", None)
        copy.save()
        return copy


class WorkingCopy(models.Model):
    """A pending change to a public item (or a new item of a public one), or the
    autosave of a form being written."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", gettext_lazy("proposed change")
        AUTOSAVE = "autosave", gettext_lazy("autosave")

    content_type = models.ForeignKey(
        ContentType, verbose_name=gettext_lazy("kind"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(gettext_lazy("item id"), null=True, blank=True)
    item = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(
        gettext_lazy("kind of copy"), max_length=10, choices=Kind, default=Kind.PROPOSAL
    )
    data = models.JSONField(gettext_lazy("proposed values"), default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    based_on = models.DateTimeField(
        gettext_lazy("live item saved at"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When the live item was last saved, as the change was made."),
    )
    created_at = models.DateTimeField(gettext_lazy("created"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated"), auto_now=True)

    objects = WorkingCopyQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("pending change")
        verbose_name_plural = gettext_lazy("pending changes")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(kind="proposal"),
                name="one_working_copy_per_item",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "author"],
                condition=models.Q(kind="autosave"),
                name="one_autosave_per_author_and_item",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.AUTOSAVE:  # raw form values: not an item to show
            return str(self.live() or self.model._meta.verbose_name)
        if self.object_id is None:
            return _("New %(kind)s: %(item)s") % {
                "kind": self.model._meta.verbose_name,
                "item": self.proposed(),
            }
        return str(self.live() or f"#{self.object_id}")

    @property
    def model(self):
        return self.content_type.model_class()

    def live(self):
        """The live item (fresh from the database), or None for a new one."""
        if self.object_id is None:
            return None
        return self.model._base_manager.filter(pk=self.object_id).first()

    @property
    def preview_url(self):
        """The page as approving would make it, where the item's model has one."""
        live = self.live()
        if live is None or not hasattr(live, "pending_preview_url"):
            return None
        return live.pending_preview_url(self)

    def apply_to(self, obj):
        """Set the proposed plain values on `obj` in memory; returns the relations."""
        relations = {}
        for name, value in self.data.items():
            field = self.model._meta.get_field(name)
            if field.many_to_many:
                relations[name] = value
            else:
                setattr(obj, field.attname, None if value is None else field.to_python(value))
        return relations

    def proposed(self):
        """The item as it would be once approved (in memory; nothing is saved)."""
        obj = self.live() or self.model()
        obj.pending_relations = self.apply_to(obj)
        return obj

    def changes(self, labels=None):
        """What approving would change: revisions.Change items, live → proposed."""
        labels = labels or {}
        live = self.live()
        result = []
        for name, value in self.data.items():
            field = self.model._meta.get_field(name)
            old = shown_value(field, kept_value(live, field)) if live is not None else "—"
            new = shown_value(field, value)
            if old != new:
                label = labels.get(name) or field.verbose_name
                result.append(text_change(name, label, old, new))
        return result

    def approve(self, user):
        """Make the proposal live; raises ValidationError (nothing changed) when it is
        no longer valid, e.g. its slug was taken since."""
        obj = self.live()
        if obj is None and self.object_id is not None:
            raise ValidationError(_("The item was deleted since this change was proposed."))
        obj = obj or self.model()
        relations = self.apply_to(obj)
        # Uploads were checked when proposed; the stored file is no upload any more.
        obj.full_clean(
            exclude=[f.name for f in self.model._meta.fields if isinstance(f, FileField)]
        )
        author = self.author.get_full_name() or self.author.get_username() if self.author else "—"
        reason = _("Approved the change proposed by %(author)s") % {"author": author}
        with transaction.atomic():
            if hasattr(self.model, "history"):
                with one_revision(obj, user, reason):
                    self.save_item(obj, relations)
            else:
                self.save_item(obj, relations)
            self.delete()
        return obj

    @staticmethod
    def save_item(obj, relations):
        obj.save()
        for name, value in relations.items():
            getattr(obj, name).set(value)

    def reject(self):
        """Discard the proposal (and a picture uploaded for it); the live item stays."""
        self.discard_unused_files()
        self.delete()

    def discard_unused_files(self, keep=None):
        """Delete files this proposal stored that neither `keep` nor the live item use."""
        live = self.live()
        for name, value in (self.data or {}).items():
            field = self.model._meta.get_field(name)
            if not isinstance(field, FileField) or not value:
                continue
            in_use = {(keep or {}).get(name)}
            if live is not None:
                in_use.add(getattr(live, name).name)
            if value not in in_use:
                field.storage.delete(value)
