import functools

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, MonthArchiveView, YearArchiveView

from dpga import content_version
from dpga.translations import current_language

from .feeds import feed_links
from .forms import SearchForm
from .models import Announcement, PreviewLink, cards_with_ids, tag_at
from .pagination import KeysetPaginator

PAGE_SIZE = 10


class PublishedMixin:
    """Public lists: only published announcements, newest first, ten a page."""

    model = Announcement
    paginate_by = PAGE_SIZE
    date_field = "publish_at"
    context_object_name = "announcements"
    paginator_class = KeysetPaginator
    # Whether the list is in an order of its own (best match first), not newest first.
    ranked = False

    def get_queryset(self):
        # Built only if used: a page from its kept ids (KeysetPaginator) needs the
        # queryset only to count and index the list, which is mostly cached.
        return SimpleLazyObject(lambda: self.published_list(None, **self.list_values()))

    # A list with no published news: a 404 saying this (None: an empty page).
    empty_list_message = None
    # A page about something (a tag, a member) has a subject(), kept with its page
    # index and shown as `subject_name` with its feeds; when nothing has its
    # address: a 404 saying this.
    missing_subject_message = None
    subject_name = None

    def subject(self):
        """What this page is about, found by its address, or None."""
        return None

    def subject_feeds(self, subject):
        """The feed links of the page's subject (page_feeds)."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.missing_subject_message is not None:
            subject = context[self.subject_name] = self.list_paginator.subject
            context["page_feeds"] = self.subject_feeds(subject)
        return context

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        paginator = paginated[0]
        if self.missing_subject_message is not None and paginator.subject is None:
            raise Http404(self.missing_subject_message)
        if self.empty_list_message is not None and not paginator.count:
            raise Http404(self.empty_list_message)
        return paginated

    def get_template_names(self):
        return [self.template_name]  # (ListView's guess from the model would build the list)

    def published_list(self, now, **values):
        """The news this page lists, published at `now` (narrower lists filter it)."""
        return Announcement.objects.for_listing(now)

    def list_values(self):
        """What, beyond the address, the list depends on: published_list()'s arguments."""
        return {}

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        """Pages found by their kept ids, not OFFSET; the page index is kept per list."""
        index_key = (
            type(self).__qualname__,
            translation.get_language(),  # search matches the text of the visitor's language
            timezone.get_current_timezone_name(),  # where an archive's months begin
            sorted(self.kwargs.items()),
            sorted((k, v) for k, v in self.request.GET.lists() if k != self.page_kwarg),
        )
        # Its own filters are asked only when its page index is computed: a page is
        # the cards with its ids (the same prepared SQL for every list).
        kwargs["rows"] = cards_with_ids
        kwargs["ranked"] = self.ranked
        if self.missing_subject_message is not None:
            kwargs["subject"] = self.subject
        self.list_paginator = super().get_paginator(
            queryset, per_page, orphans, allow_empty_first_page, index_key=index_key, **kwargs
        )
        return self.list_paginator


class AnnouncementListView(PublishedMixin, ListView):
    template_name = "announcements/list.html"


class ArchiveMixin(PublishedMixin):
    """A year's or a month's news. What such a page asks of the whole archive --
    which months have news, the next and previous period with news, and its
    page index (the period's ids, in order) -- is kept for the content state;
    a page is then the cards with its ids, from prepared SQL."""

    allow_empty = False  # no page, and no link, for a period without news
    empty_list_message = gettext_lazy("No such archive page.")

    def get_dated_queryset(self, **lookup):
        # Built only if used, as get_queryset(); Django's own version would ask the
        # database whether the period is empty: the list's kept count answers that
        # (empty_list_message).
        self.period = {"since": lookup["publish_at__gte"], "until": lookup["publish_at__lt"]}
        return SimpleLazyObject(functools.partial(self.published_list, None, **self.period))

    def published_list(self, now, *, since=None, until=None, **values):
        """All the news (get_queryset(), for the next and previous periods), or a period's."""
        news = super().published_list(now, **values)
        return news if since is None else news.filter(publish_at__gte=since, publish_at__lt=until)

    def archive_questions(self):
        """{name: (compute, *args)}: what this page asks of the whole archive."""
        period = self.period
        return {
            "neighbours": (Announcement.objects.around_period, period["since"], period["until"])
        }

    @cached_property
    def archive_answers(self):
        """archive_questions()' answers, kept for the content state and read in one
        round trip (the keys name the time zone: periods follow it)."""
        zone = timezone.get_current_timezone_name()
        questions = self.archive_questions()
        keys = {
            name: f"archive:{content_version.signature(name, zone, *args)}"
            for name, (_compute, *args) in questions.items()
        }
        answers = content_version.remember_many(
            {keys[name]: functools.partial(*question) for name, question in questions.items()}
        )
        return {name: answers[key] for name, key in keys.items()}

    def neighbours(self):
        """(the newest publish time before this period, the oldest after it), kept."""
        return self.archive_answers["neighbours"]

    def _neighbour(self, moment, start_of_period):
        # As Django's date views give them: the first day of that item's period.
        return None if moment is None else start_of_period(timezone.localtime(moment).date())

    def get_next_year(self, date):
        return self._neighbour(self.neighbours()[1], self._get_current_year)

    def get_previous_year(self, date):
        return self._neighbour(self.neighbours()[0], self._get_current_year)

    def get_next_month(self, date):
        return self._neighbour(self.neighbours()[1], self._get_current_month)

    def get_previous_month(self, date):
        return self._neighbour(self.neighbours()[0], self._get_current_month)


class YearArchiveView(ArchiveMixin, YearArchiveView):
    template_name = "announcements/archive_year.html"
    make_object_list = True

    def archive_questions(self):
        # The year's months with news, from one aggregate (see months_of()).
        months = functools.partial(self.published_list, None, **self.period)
        return {
            **super().archive_questions(),
            "months": (lambda year: months().months_of(year), int(self.get_year())),
        }

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The year's months with news (kept: archive_answers)."""
        months = self.archive_answers["months"]
        if not months:
            raise Http404(_("No such archive page."))
        return months


class MonthArchiveView(ArchiveMixin, MonthArchiveView):
    template_name = "announcements/archive_month.html"
    month_format = "%m"

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """None: a month page lists no days."""
        return None


class TagView(PublishedMixin, ListView):
    """A tag's news; 404 for a tag with none (checked on the cached page count)."""

    template_name = "announcements/tag.html"
    empty_list_message = missing_subject_message = gettext_lazy("No published news has this tag.")
    subject_name = "tag"

    def subject(self):
        return tag_at(self.kwargs["slug"])

    def list_values(self):
        content_type = ContentType.objects.get_for_model(Announcement)
        return {"tag": self.list_paginator.subject.pk, "content_type": content_type.pk}

    def published_list(self, now, *, tag, content_type):
        return super().published_list(now).tagged(tag, content_type)

    def subject_feeds(self, tag):
        return feed_links(
            "feeds:tag", _("News tagged “%(tag)s”") % {"tag": tag.name}, slug=tag.slug
        )


class SearchView(PublishedMixin, ListView):
    template_name = "announcements/search.html"

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET or None)
        response = super().get(request, *args, **kwargs)
        if self.form.is_bound and not self.form.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        if not self.form.is_valid():
            return Announcement.objects.none()
        return super().get_queryset()

    def published_list(self, now, **values):
        return super().published_list(now).search(self.form.cleaned_data["q"])

    @property
    def ranked(self):
        return Announcement.objects.search_is_ranked()

    def get_context_data(self, **kwargs):
        query = self.form.cleaned_data.get("q", "") if self.form.is_valid() else ""
        context = super().get_context_data(form=self.form, query=query, **kwargs)
        # A ranked search that reached its bound: say so (the rest are older matches).
        limit = Announcement.objects.ranked_search_limit()
        reached = limit and query and context["paginator"].count >= limit
        context["ranked_limit"] = limit if reached else None
        return context


class AnnouncementDetailView(DetailView):
    """A published announcement; staff who may change announcements also see drafts."""

    model = Announcement
    template_name = "announcements/detail.html"
    context_object_name = "announcement"

    def get_object(self, queryset=None):
        """The announcement whose slug in this language, or whose original slug, is asked for.

        Any other slug it has (another language's) is found too, and answered
        with a redirect to this language's address (see get()).
        """
        slug, language = self.kwargs["slug"], current_language()
        drafts = self.request.user.has_perm("announcements.change_announcement")
        found = Announcement.at_address(slug, language, drafts=drafts)
        if found is None:
            raise Http404(_("No announcement at this address."))
        return found

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != self.kwargs["slug"]:
            return redirect(self.object.get_absolute_url(), permanent=self.object.is_published)
        context = self.get_context_data(object=self.object)
        response = self.render_to_response(context)
        if not self.object.is_published:
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        announcement = self.object
        surroundings = announcement.surroundings()
        previous_announcement, next_announcement, related = surroundings["around"]
        return super().get_context_data(
            tags=announcement.tag_list,
            members=surroundings["members"],
            previous_announcement=previous_announcement,
            next_announcement=next_announcement,
            related=related,
            translated_object=announcement,
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
