from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

from .models import SlugRedirect

# The named routes whose `slug` is an announcement's, a member's or a tag's.
ROUTE_KINDS = {
    "announcements:detail": SlugRedirect.Kind.ANNOUNCEMENT,
    "members:detail": SlugRedirect.Kind.MEMBER,
    "feeds:member": SlugRedirect.Kind.MEMBER,
    "announcements:tag": SlugRedirect.Kind.TAG,
    "feeds:tag": SlugRedirect.Kind.TAG,
}


class MovedAddressMiddleware:
    """Answer a 404 at an old address with a 301 to the new one, or 410 Gone.

    Looks at the database only when the response is already a 404, so every
    page that exists costs nothing extra.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        return self.moved(request) or response

    def moved(self, request):
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
        kind = ROUTE_KINDS.get(match.view_name)
        slug = match.kwargs.get("slug")
        if kind is None or not slug:
            return None
        redirect = SlugRedirect.objects.filter(kind=kind, old_slug=slug).first()
        if redirect is None:
            return None
        if redirect.is_gone:
            return render(request, "410.html", status=410)
        url = reverse(match.view_name, kwargs={**match.kwargs, "slug": redirect.new_slug})
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
