"""The editorial dashboard on the admin index."""

from django import template
from django.utils import timezone

from ..models import Announcement

register = template.Library()

DASHBOARD_SIZE = 10
STALE_DRAFT_DAYS = 30


@register.inclusion_tag("admin/includes/_editorial_dashboard.html", takes_context=True)
def editorial_dashboard(context):
    user = context["request"].user
    if not user.has_perm("announcements.view_announcement"):
        return {"show": False}
    announcements = Announcement.objects.select_related("author")
    return {
        "show": True,
        "awaiting_review": announcements.awaiting_review()[:DASHBOARD_SIZE],
        "scheduled": announcements.scheduled().order_by("publish_at", "pk")[:DASHBOARD_SIZE],
        "recently_published": announcements.published().newest_first()[:DASHBOARD_SIZE],
        "stale_drafts": announcements.stale_drafts(STALE_DRAFT_DAYS)[:DASHBOARD_SIZE],
        "stale_days": STALE_DRAFT_DAYS,
        "zone": timezone.get_current_timezone_name(),
        "now": timezone.now(),
    }
