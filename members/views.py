from django.utils.translation import gettext as _
from django.views.generic import ListView

from announcements.feeds import feed_links
from announcements.views import PublishedMixin

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
    missing_subject_message = "No listed member has this address."
    subject_name = "member"

    def subject(self):
        return listed_member_at(self.kwargs["slug"])

    def list_values(self):
        return {"member": self.list_paginator.subject.pk}

    def published_list(self, now, *, member):
        return super().published_list(now).about(member)

    def subject_feeds(self, member):
        return feed_links(
            "feeds:member", _("News about %(member)s") % {"member": member.name}, slug=member.slug
        )
