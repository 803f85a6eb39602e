"""Times as editors read them in the admin: in the site's time zone, with the zone named."""

from django.utils import timezone
from django.utils.formats import date_format


def zoned(value):
    """A time in the site's zone with the zone named, e.g. "28 Nov 2026, 09:00 CET"."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{date_format(local, 'j M Y, H:i')} {local.tzname()}"


def zone_description():
    now = timezone.localtime()
    return f"{timezone.get_current_timezone_name()} ({now.tzname()}, UTC{now.strftime('%z')})"
