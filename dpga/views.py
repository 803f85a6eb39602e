from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from announcements.models import Announcement
from members.models import Member

HOME_FEATURED = 3
HOME_LATEST = 10
HOME_NEW_MEMBERS = 6


@require_safe
def home(request):
    """Featured and latest news, and the newest members."""
    featured = list(Announcement.objects.for_listing().filter(featured=True)[:HOME_FEATURED])
    latest = list(
        Announcement.objects.for_listing().exclude(pk__in=[a.pk for a in featured])[:HOME_LATEST]
    )
    new_members = Member.objects.listed().order_by("-joined_on", "name")[:HOME_NEW_MEMBERS]
    return render(
        request,
        "home.html",
        {"featured": featured, "latest": latest, "new_members": new_members},
    )


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /language/",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
