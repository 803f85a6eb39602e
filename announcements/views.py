"""The public news pages: thin views on Django's generic views; reads in reading.py."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from dpga.languages.translations import current_language
from dpga.review.models import WorkingCopy, may_publish
from members import reading as members_reading

from . import reading
from .feeds import feed_links
from .forms import SearchForm
from .models import Announcement, PreviewLink
from .pagination import PageIndexPaginator

PAGE_SIZE = 10


@require_safe
def home(request):
    """The newest featured story, the latest news, and the newest members."""
    lead, latest = reading.front_page()
    context = {"lead": lead, "latest": latest, "new_members": members_reading.newest()}
    return render(request, "home.html", context)


class PublishedListMixin:
    """A list of published news, newest first, ten a page, paged by its cached
    page index (pagination.py)."""

    model = Announcement
    paginate_by = PAGE_SIZE
    date_field = "publish_at"
    context_object_name = "announcements"
    # A list with no published news: a 404 saying this (None: an empty page).
    empty_list_message = None

    def get_queryset(self):
        return Announcement.objects.published().newest_first()

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        index_name = (
            type(self).__name__,
            tuple(sorted(self.kwargs.items())),
            tuple(
                (k, tuple(v)) for k, v in sorted(self.request.GET.lists()) if k != self.page_kwarg
            ),
        )
        return PageIndexPaginator(
            queryset, per_page, index_name=index_name, rows=reading.cards, orphans=orphans
        )

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        if self.empty_list_message is not None and not paginated[0].count:
            raise Http404(self.empty_list_message)
        return paginated

    def get_template_names(self):
        return [self.template_name]


class AnnouncementListView(PublishedListMixin, ListView):
    """The news, with the ways through it: the archive's years and months, the topics."""

    template_name = "announcements/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # a page out of range is a 404 first
        ways = reading.ways_through_news()
        return {**context, "archive": ways["archive"], "topics": ways["topics"]}


class ArchiveMixin(PublishedListMixin):
    """A year's or a month's news; 404 for a period without any."""

    allow_empty = True  # emptiness is answered by around_period(), in one query

    def get_dated_queryset(self, **lookup):
        since, until = lookup["publish_at__gte"], lookup["publish_at__lt"]
        self.neighbours = self.get_queryset().around_period(since, until)
        if self.neighbours is None:
            raise Http404(_("No such archive page."))
        return self.get_queryset().in_period(since, until)

    def neighbour(self, moment, start_of_period):
        # As Django's date views give them: the first day of that item's period.
        return None if moment is None else start_of_period(timezone.localtime(moment).date())

    def get_next_year(self, date):
        return self.neighbour(self.neighbours[1], self._get_current_year)

    def get_previous_year(self, date):
        return self.neighbour(self.neighbours[0], self._get_current_year)

    def get_next_month(self, date):
        return self.neighbour(self.neighbours[1], self._get_current_month)

    def get_previous_month(self, date):
        return self.neighbour(self.neighbours[0], self._get_current_month)


class YearArchiveView(ArchiveMixin, YearArchiveView):
    template_name = "announcements/archive_year.html"
    make_object_list = True

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The year's months with news (one aggregate)."""
        return queryset.months_of(int(self.get_year()))


class MonthArchiveView(ArchiveMixin, MonthArchiveView):
    template_name = "announcements/archive_month.html"
    month_format = "%m"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """None: a month page lists no days."""
        return None


class TagView(PublishedListMixin, ListView):
    """A tag's news; 404 for a tag with none."""

    template_name = "announcements/tag.html"
    empty_list_message = _("No published news has this tag.")

    def get_queryset(self):
        self.tag = reading.tag_at(self.kwargs["slug"])
        return super().get_queryset().tagged(self.tag)

    def get_context_data(self, **kwargs):
        feeds = feed_links(
            "feeds:tag", _("News tagged “%(tag)s”") % {"tag": self.tag.name}, slug=self.tag.slug
        )
        return super().get_context_data(tag=self.tag, page_feeds=feeds, **kwargs)


class SearchView(PublishedListMixin, ListView):
    """Search by words, filtered by topic, member and year (each optional)."""

    template_name = "announcements/search.html"

    def get(self, request, *args, **kwargs):
        self.ways = reading.ways_through_news()
        self.form = SearchForm(
            request.GET or None,
            topics=self.ways["topics"],
            members=self.ways["members"],
            years=[period.year for period in self.ways["archive"]],
        )
        response = super().get(request, *args, **kwargs)
        if self.form.is_bound and not self.form.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        if not self.form.is_valid():
            return Announcement.objects.none()
        query, filters = self.form.cleaned_data["q"], self.form.filters()
        if query:
            found = Announcement.objects.published().search(query)
        elif filters:
            found = Announcement.objects.published().newest_first()
        else:
            return Announcement.objects.none()
        return reading.filtered(found, **filters)

    def get_context_data(self, **kwargs):
        valid = self.form.is_valid()
        query = self.form.cleaned_data.get("q", "") if valid else ""
        filters = self.form.filters()
        context = super().get_context_data(
            form=self.form, query=query, searched=bool(query or filters), **kwargs
        )
        # A ranked search that reached its bound: say so (the rest are older matches).
        limit = Announcement.objects.ranked_search_limit()
        reached = limit and query and context["paginator"].count >= limit
        context["ranked_limit"] = limit if reached else None
        asked = {"q": query, **filters} if valid else {}
        context["page_query"] = "".join(
            f"{urlencode({name: value})}&" for name, value in asked.items() if value
        )
        return context


class AnnouncementDetailView(DetailView):
    """A published announcement; staff who may change announcements also see drafts
    (marked as such, never cached)."""

    model = Announcement
    template_name = "announcements/detail.html"
    context_object_name = "announcement"

    def get_object(self, queryset=None):
        """The announcement at this address in this language (reading.announcement_at())."""
        drafts = self.request.user.has_perm("announcements.change_announcement")
        found = reading.announcement_at(self.kwargs["slug"], current_language(), drafts=drafts)
        if found is None:
            raise Http404(_("No announcement at this address."))
        return found

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != self.kwargs["slug"]:
            return redirect(self.object.get_absolute_url(), permanent=self.object.is_published)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if not self.object.is_published:
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        announcement = self.object
        return super().get_context_data(
            tags=announcement.tag_list,
            translated_object=announcement,
            **reading.surroundings(announcement),
            **kwargs,
        )


class PreviewView(AnnouncementDetailView):
    """A draft as it will look, for a reviewer holding a signed preview link.

    Bad, expired or revoked links are 404; once the announcement is public the
    link leads to its public page. Never cached, never indexed.
    """

    def get_object(self, queryset=None):
        self.link = PreviewLink.objects.from_token(self.kwargs["token"])
        if self.link is None:
            raise Http404
        return self.link.announcement

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_published:
            return redirect(self.object)
        response = self.render_to_response(self.get_context_data(object=self.object))
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        # The link is the reviewer's key: never hand it on in a Referer header.
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_link=self.link, **kwargs)


class PendingPreviewView(AnnouncementDetailView):
    """A published announcement with its pending change applied, as approving would make
    it: for the change's author and publishers only (404 for anyone else). Nothing is
    saved; never cached, never indexed."""

    def get_object(self, queryset=None):
        user = self.request.user
        pending = WorkingCopy.objects.of_model(Announcement).filter(pk=self.kwargs["pk"]).first()
        if pending is None or not (may_publish(user) or pending.author_id == user.pk):
            raise Http404
        return reading.pending_announcement(pending)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object))
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        return response
