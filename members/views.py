"""The member directory and a member's profile with the news about it."""

from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from announcements.feeds import feed_links
from announcements.views import PublishedListMixin

from . import reading


class DirectoryView(TemplateView):
    """Listed members grouped by category, in the categories' own order."""

    template_name = "members/directory.html"

    def get_context_data(self, **kwargs):
        groups = reading.directory()
        members = [member for _value, _label, in_group in groups for member in in_group]
        return super().get_context_data(groups=groups, members=members, **kwargs)


class MemberDetailView(PublishedListMixin, ListView):
    """A listed member's profile and the published news about it, paginated."""

    template_name = "members/detail.html"

    def get_queryset(self):
        self.member = reading.member_at(self.kwargs["slug"])
        return super().get_queryset().about(self.member)

    def get_context_data(self, **kwargs):
        feeds = feed_links(
            "feeds:member",
            _("News about %(member)s") % {"member": self.member.name},
            slug=self.member.slug,
        )
        return super().get_context_data(member=self.member, page_feeds=feeds, **kwargs)
