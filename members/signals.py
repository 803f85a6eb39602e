"""What saving or deleting a member triggers, in one place; connected once by
MembersConfig.ready()."""

from django.db.models import ProtectedError
from django.db.models.signals import post_delete, post_save, pre_delete

from dpga.addresses import track_slug_changes
from dpga.caching import content_version
from dpga.models import SlugRedirect
from dpga.pictures import renditions

from .models import Member, MemberTranslation, member_in_use_message


def refuse_deleting_a_member_in_the_news(sender, instance, **kwargs):
    """Nothing is lost: a member that announcements are about is never deleted."""
    if instance.announcements.exists():
        raise ProtectedError(member_in_use_message(instance), set(instance.announcements.all()))


def delete_logo_files(sender, instance, **kwargs):
    """Deleting a member deletes its logo and the logo's tiles."""
    names = renditions.file_names(instance.logo_renditions) | {instance.logo.name}
    renditions.delete_after_commit(instance.logo.storage, names)


def connect():
    uid = "members"
    for model in (Member, MemberTranslation):
        name = f"{uid}.content-version.{model._meta.label_lower}"
        post_save.connect(content_version.content_changed, sender=model, dispatch_uid=name)
        post_delete.connect(content_version.content_changed, sender=model, dispatch_uid=name)
    pre_delete.connect(
        refuse_deleting_a_member_in_the_news, sender=Member, dispatch_uid=f"{uid}.in-the-news"
    )
    post_delete.connect(delete_logo_files, sender=Member, dispatch_uid=f"{uid}.files")
    track_slug_changes(Member, SlugRedirect.Kind.MEMBER)
