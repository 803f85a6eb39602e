"""Announcements and what belongs to them, one module a concern."""

from .announcement import Announcement, AnnouncementManager, TagSnapshot, validate_not_reserved
from .feed_state import FeedState
from .notifications import NotificationPreference
from .previews import PreviewLink
from .queryset import AnnouncementQuerySet
from .subscriptions import Delivery, Issue, Subscriber, normalise_email
from .tagging import TagMerge, TagTranslation, translated_tag_name
from .translations import AnnouncementTranslation
from .workflow import Transition, membership_draft

__all__ = [
    "Announcement",
    "AnnouncementManager",
    "AnnouncementQuerySet",
    "AnnouncementTranslation",
    "Delivery",
    "FeedState",
    "Issue",
    "NotificationPreference",
    "PreviewLink",
    "Subscriber",
    "TagMerge",
    "TagSnapshot",
    "TagTranslation",
    "Transition",
    "membership_draft",
    "normalise_email",
    "translated_tag_name",
    "validate_not_reserved",
]
