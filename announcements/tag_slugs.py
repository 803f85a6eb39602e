"""Every tag gets a slug its URL can carry.

django-taggit slugifies with Unicode allowed, and a name made only of punctuation
("+", "#", "—") slugifies to nothing. The site's tag URLs take ASCII slugs, so
such a tag made every page that links to it fail. Here an empty or non-ASCII slug
is replaced by the name's ASCII slug ("Santé" -> "sante"), or "tag", made unique.
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.text import slugify
from taggit.models import Tag

SLUG_MAX_LENGTH = 90


@receiver(pre_save, sender=Tag, dispatch_uid="announcements.tag_slugs.ascii_tag_slug")
def ascii_tag_slug(sender, instance, **kwargs):
    if instance.slug and instance.slug.isascii():
        return
    base = slugify(instance.name)[:SLUG_MAX_LENGTH].strip("-_") or "tag"
    slug, number = base, 1
    while Tag.objects.filter(slug=slug).exclude(pk=instance.pk).exists():
        number += 1
        slug = f"{base}-{number}"
    instance.slug = slug
