"""Tags that stay tidy: how typed text becomes tags, suggestions, and merging."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from taggit.models import Tag, TaggedItem
from taggit.utils import parse_tags

from dpga.models import SlugRedirect

from . import feed_changes
from .models import Announcement, TagMerge

SUGGESTION_LIMIT = 10


def _quoted(name):
    return f'"{name}"' if ("," in name or " " in name) else name


def tag_hint(text, limit=SUGGESTION_LIMIT):
    """How `text` will be split into tags on save, and completions for the last one.

    Returns {"tags": [{"name", "new"}], "suggestions": [full field values]}.
    Names that already exist (in any letter case) are shown as they are stored.
    """
    text = text or ""
    names = parse_tags(text)
    existing = {}
    if names:
        query = Tag.objects.none()
        for name in names:
            query = query | Tag.objects.filter(name__iexact=name)
        existing = {tag.name.lower(): tag.name for tag in query}
    tags = [
        {"name": existing.get(name.lower(), name), "new": name.lower() not in existing}
        for name in names
    ]
    head, comma, last = text.rpartition(",")
    prefix = f"{head}{comma} " if comma else ""
    last = last.strip().strip('"')
    suggestions = []
    if last:
        taken = {name.lower() for name in parse_tags(head)} if comma else set()
        for name in (
            Tag.objects.filter(name__istartswith=last)
            .order_by(Lower("name"), "name")
            .values_list("name", flat=True)[: limit + len(taken)]
        ):
            if name.lower() not in taken and len(suggestions) < limit:
                suggestions.append(prefix + _quoted(name))
    return {"tags": tags, "suggestions": suggestions}


def merge_tags(tags, into, user=None):
    """Re-point every item tagged with `tags` to `into`, delete them, keep 301s.

    Returns the TagMerge record. Items that already carry `into` just lose
    the merged tag, so nothing is tagged twice.
    """
    sources = [tag for tag in tags if tag.pk != into.pk]
    if not sources:
        return None
    announcement_type = ContentType.objects.get_for_model(Announcement).pk
    affected = list(
        TaggedItem.objects.filter(tag__in=sources, content_type_id=announcement_type)
        .values_list("object_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        # The feeds these items were in change too (queryset updates send no signals).
        for pk in affected:
            feed_changes._stash(pk, feed_changes.live_scopes(pk))
        kept = set(TaggedItem.objects.filter(tag=into).values_list("content_type_id", "object_id"))
        moved, duplicates, touched = [], [], set()
        for item in TaggedItem.objects.filter(tag__in=sources).order_by("pk"):
            key = (item.content_type_id, item.object_id)
            touched.add(key)
            if key in kept:
                duplicates.append(item.pk)
            else:
                kept.add(key)
                moved.append(item.pk)
        TaggedItem.objects.filter(pk__in=duplicates).delete()
        TaggedItem.objects.filter(pk__in=moved).update(tag=into)
        # Feeds and pages that show these items must see them as changed.
        Announcement.objects.filter(pk__in=affected).update(updated_at=timezone.now())
        record = TagMerge.objects.create(
            into=into,
            into_name=into.name,
            merged_names=", ".join(tag.name for tag in sources),
            merged_slugs=", ".join(tag.slug for tag in sources),
            items_moved=len(touched),
            merged_by=user if user is not None and user.is_authenticated else None,
        )
        for tag in sources:
            slug = tag.slug
            tag.delete()
            SlugRedirect.objects.record_move(SlugRedirect.Kind.TAG, slug, into.slug)
        for pk in affected:
            feed_changes._schedule(pk)
    return record
