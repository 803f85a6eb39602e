"""The editorial dashboard on the admin index, for the person looking: what was sent
back to them (with the comment), their drafts, what awaits review (a publisher's own
work), what is scheduled, what was published lately, forgotten drafts."""

from django import template
from django.utils import timezone

from .. import workflow
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
    mine = list(announcements.drafts_of(user)[: DASHBOARD_SIZE * 2])
    sent_back = [draft for draft in mine if draft.last_step == workflow.SEND_BACK.name]
    return {
        "show": True,
        "sent_back": sent_back,
        "my_drafts": [draft for draft in mine if draft not in sent_back][:DASHBOARD_SIZE],
        "reviews_are_mine": workflow.can_publish(user),
        # The site's time is UTC now: a time is shown once (not again "in UTC").
        "zone_is_utc": not timezone.localtime().utcoffset(),
        "awaiting_review": announcements.awaiting_review()[:DASHBOARD_SIZE],
        "scheduled": announcements.scheduled().order_by("publish_at", "pk")[:DASHBOARD_SIZE],
        "recently_published": announcements.published().newest_first()[:DASHBOARD_SIZE],
        "stale_drafts": announcements.stale_drafts(STALE_DRAFT_DAYS)[:DASHBOARD_SIZE],
        "stale_days": STALE_DRAFT_DAYS,
        "zone": timezone.get_current_timezone_name(),
        "now": timezone.now(),
    }
