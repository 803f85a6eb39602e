"""Keep old addresses working: record slug changes and deletions as they happen."""

from django.db.models.signals import post_save, pre_save

from .models import SlugRedirect


def track_slug_changes(model, kind):
    """Record a SlugRedirect whenever an object of `model` changes its slug."""

    def remember_old_slug(sender, instance, raw=False, **kwargs):
        if raw:
            return
        instance._slug_before_save = (
            sender._base_manager.filter(pk=instance.pk).values_list("slug", flat=True).first()
            if instance.pk
            else None
        )

    def record_new_slug(sender, instance, created, raw=False, **kwargs):
        if raw:
            return
        old_slug = instance.__dict__.pop("_slug_before_save", None)
        if old_slug == instance.slug:
            return
        if old_slug:
            SlugRedirect.objects.record_move(kind, old_slug, instance.slug)
        else:
            SlugRedirect.objects.release(kind, instance.slug)

    uid = f"track-slug-{model._meta.label_lower}"
    pre_save.connect(remember_old_slug, sender=model, weak=False, dispatch_uid=uid)
    post_save.connect(record_new_slug, sender=model, weak=False, dispatch_uid=uid)
