"""What saving or deleting a member triggers, in one place; connected once by
MembersConfig.ready(). (A member's logo files go with it as every picture owner's
do: dpga.pictures.models.delete_picture_files.)"""

from django.db.models import ProtectedError
from django.db.models.signals import post_delete, post_save, pre_delete

from dpga.addresses import track_slug_changes
from dpga.caching import content_version
from dpga.models import SlugRedirect

from .models import Member, MemberTranslation, member_in_use_message


def refuse_deleting_a_member_in_the_news(sender, instance, **kwargs):
    """Nothing is lost: a member that announcements are about is never deleted."""
    if instance.announcements.exists():
        raise ProtectedError(member_in_use_message(instance), set(instance.announcements.all()))


def connect():
    uid = "members"
    for model in (Member, MemberTranslation):
        name = f"{uid}.content-version.{model._meta.label_lower}"
        post_save.connect(content_version.content_changed, sender=model, dispatch_uid=name)
        post_delete.connect(content_version.content_changed, sender=model, dispatch_uid=name)
    pre_delete.connect(
        refuse_deleting_a_member_in_the_news, sender=Member, dispatch_uid=f"{uid}.in-the-news"
    )
    track_slug_changes(Member, SlugRedirect.Kind.MEMBER)
