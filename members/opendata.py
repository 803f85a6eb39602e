"""The member list as open data: /members.json and /members.csv, and the page
that documents them (/open-data/).

Read-only and public: `Access-Control-Allow-Origin: *`, a strong ETag and
Last-Modified from the listed members (304 before anything is built), a
short `Cache-Control`, and the built body kept in the cache under a key that
contains the ETag, so a change needs no invalidation.
"""

import csv
import datetime
import hashlib
import io
import json

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from .models import Member

OPEN_DATA_MAX_AGE = 300
CSV_FIELDS = [  # the documented order
    "name",
    "acronym",
    "category",
    "category_name",
    "board_member",
    "joined_on",
    "website",
    "profile_url",
    "logo_url",
]
# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def licence():
    return {"name": settings.OPEN_DATA_LICENCE_NAME, "url": settings.OPEN_DATA_LICENCE_URL}


class MemberList:
    """The listed members as records; validators from one small query."""

    def __init__(self, request, fmt):
        self.request = request
        self.members = Member.objects.listed().order_by("name", "pk")
        rows = list(self.members.values_list("pk", "updated_at", "joined_on", "left_on"))
        self.pks = [row[0] for row in rows]
        today = timezone.localdate()
        # A member appears on its joined date and goes on its left date without
        # any write; those days count as changes too.
        changes = [updated for _pk, updated, _joined, _left in rows]
        changes += [_midnight(joined) for _pk, _u, joined, _left in rows if joined]
        changes += [
            _midnight(left)
            for left in Member.objects.filter(left_on__lte=today).values_list("left_on", flat=True)
        ]
        self.last_modified = max(changes, default=None)
        fingerprint = "|".join(
            [
                "1",
                fmt,
                get_language(),
                request.scheme,
                request.get_host(),
                json.dumps(licence()),
                ";".join(f"{pk},{updated.timestamp()}" for pk, updated, _j, _l in rows),
            ]
        )
        self.etag = hashlib.sha256(fingerprint.encode()).hexdigest()[:40]

    def records(self):
        absolute = self.request.build_absolute_uri
        for member in self.members:
            yield {
                "name": member.name,
                "acronym": member.short_name,
                "category": member.category,
                "category_name": str(member.get_category_display()),
                "board_member": member.is_board_member,
                "joined_on": member.joined_on.isoformat() if member.joined_on else None,
                "website": member.website,
                "profile_url": absolute(member.get_absolute_url()),
                "logo_url": absolute(member.picture.url) if member.picture else None,
            }

    def as_json(self):
        document = {
            "title": _("%(site)s: members") % {"site": settings.SITE_NAME},
            "source": self.request.build_absolute_uri(reverse("open_data")),
            "licence": licence(),
            "members": list(self.records()),
        }
        return json.dumps(document, ensure_ascii=False, indent=1)

    def as_csv(self):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for record in self.records():
            writer.writerow({key: _csv_cell(value) for key, value in record.items()})
        return out.getvalue()


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _open_data_view(build, content_type, fmt):
    @require_safe
    def view(request):
        data = MemberList(request, fmt)
        now = timezone.now()
        last_modified = min(data.last_modified, now) if data.last_modified else None

        def respond(request):
            key = f"opendata:members:{fmt}:{data.etag}"
            body = cache.get(key)
            if body is None:
                body = build(data)
                cache.set(key, body, 24 * 3600)
            return HttpResponse(body, content_type=content_type)

        response = condition(
            etag_func=lambda request: data.etag,
            last_modified_func=lambda request: last_modified,
        )(respond)(request)
        response.headers["Access-Control-Allow-Origin"] = "*"
        patch_cache_control(response, public=True, max_age=OPEN_DATA_MAX_AGE)
        return response

    return view


members_json = _open_data_view(MemberList.as_json, "application/json; charset=utf-8", "json")
members_csv = _open_data_view(MemberList.as_csv, "text/csv; charset=utf-8; header=present", "csv")


@require_safe
def open_data_page(request):
    return render(
        request,
        "open_data.html",
        {
            "licence": licence(),
            "json_feed": reverse("feeds:news", kwargs={"format": "json"}),
            "atom_feed": reverse("feeds:news", kwargs={"format": "atom"}),
            "rss_feed": reverse("feeds:news", kwargs={"format": "rss"}),
        },
    )
