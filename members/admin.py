from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = [
        "logo_thumbnail",
        "name",
        "short_name",
        "category",
        "is_board_member",
        "joined_on",
        "left_on",
    ]
    list_display_links = ["logo_thumbnail", "name"]
    list_filter = ["category", "is_board_member"]
    search_fields = ["name", "short_name", "country"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "joined_on"
    # A website typed without a scheme is taken as https:// (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "category", "is_board_member"]}),
        (_("Profile"), {"fields": ["logo", "website", "country", "description"]}),
        (_("Membership"), {"fields": ["joined_on", "left_on"]}),
    ]

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, obj):
        if not obj.logo:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="48" height="48">',
            obj.logo.url,
        )
