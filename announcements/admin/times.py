"""Times as editors read them in the admin: in the site's time zone, with the zone named."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format


def zoned(value):
    """A time in the site's zone with the zone named, e.g. "28 Nov 2026, 09:00 CET"."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{date_format(local, 'j M Y, H:i')} {local.tzname()}"


def zone_description():
    """The site's zone, each fact once: "Africa/Nairobi (EAT, UTC+03:00)", "UTC"."""
    now = timezone.localtime()
    name, abbreviation, offset = timezone.get_current_timezone_name(), now.tzname(), now.utcoffset()
    if name == abbreviation and not offset:
        return name
    sign = "-" if offset < datetime.timedelta(0) else "+"
    hours, minutes = divmod(abs(offset).seconds // 60, 60)
    return f"{name} ({abbreviation}, UTC{sign}{hours:02d}:{minutes:02d})"
