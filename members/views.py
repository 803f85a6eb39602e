from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import ListView

from announcements.feeds import feed_links
from announcements.views import PublishedMixin
from dpga import content_version
from dpga.translations import current_language

from .models import Member, listed_by_name, listed_member_at


class DirectoryView(ListView):
    """Listed members grouped by category, in the categories' own order."""

    template_name = "members/directory.html"
    context_object_name = "members"

    def get_queryset(self):
        return listed_by_name()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_category = {}
        for member in context["members"]:
            by_category.setdefault(member.category, []).append(member)
        context["groups"] = [
            (value, label, by_category[value])
            for value, label in Member.Category.choices
            if value in by_category
        ]
        return context


class MemberDetailView(PublishedMixin, ListView):
    """A listed member's profile and the published news about it, paginated."""

    template_name = "members/detail.html"

    def get_queryset(self):
        slug = self.kwargs["slug"]
        self.member = content_version.remember_found(
            "member:" + content_version.signature(slug, current_language()),
            lambda: listed_member_at(slug),
        )
        if self.member is None:
            raise Http404("No listed member has this address.")
        return super().get_queryset()

    def list_values(self):
        return {"member": self.member.pk}

    def published_list(self, now, *, member):
        return super().published_list(now).about(member)

    def get_context_data(self, **kwargs):
        feeds = feed_links(
            "feeds:member",
            _("News about %(member)s") % {"member": self.member.name},
            slug=self.member.slug,
        )
        return super().get_context_data(member=self.member, page_feeds=feeds, **kwargs)
