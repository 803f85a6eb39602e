"""Every read a public page makes of members, in one place: all start from
``Member.objects.listed()`` (joined and not left), the one definition of public, and
show the members in the active language (a translation's name, acronym and
description, fetched in the same query)."""

from django.shortcuts import get_object_or_404

from .models import Member

HOME_NEW_MEMBERS = 6


def member_at(slug):
    """The listed member at this address, shown in the active language, or 404."""
    return get_object_or_404(Member.objects.listed().in_language(), slug=slug).show_joined()


def directory():
    """Every listed member by name, grouped by category in the categories' own
    order: [(value, label, members)]."""
    by_category = {}
    for member in Member.objects.listed().order_by("name", "pk").shown():
        by_category.setdefault(member.category, []).append(member)
    return [
        (value, label, by_category[value])
        for value, label in Member.Category.choices
        if value in by_category
    ]


def newest(count=HOME_NEW_MEMBERS):
    """The `count` listed members who joined last, shown in the active language."""
    return Member.objects.listed().order_by("-joined_on", "name")[:count].shown()
