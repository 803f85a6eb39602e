from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Announcement

PUBLISH_PERMISSION = "announcements.publish_announcement"


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "publish_at", "is_live", "featured", "tag_list", "author"]
    list_filter = ["status", "featured", "tags", "members"]
    list_select_related = ["author"]
    date_hierarchy = "publish_at"
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["members"]
    actions = ["publish_now", "unpublish"]
    readonly_fields = ["author", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Picture"), {"fields": ["picture", "picture_alt"]}),
        (_("Topics"), {"fields": ["tags", "members"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "status",
                    "publish_at",
                    "featured",
                    "author",
                    "created_at",
                    "updated_at",
                ],
                "description": _(
                    "Times are in the site's time zone (%(zone)s). A publish time in the "
                    "future schedules the announcement; it goes live by itself."
                ),
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        zone = timezone.get_current_timezone_name()
        result = []
        for name, options in fieldsets:
            if "description" in options:
                options = {**options, "description": options["description"] % {"zone": zone}}
            result.append((name, options))
        return result

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(boolean=True, description=_("live"))
    def is_live(self, obj):
        return obj.is_published

    @admin.display(description=_("tags"))
    def tag_list(self, obj):
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        if not self.has_publish_permission(request):
            self._refuse_status_change(request, obj, form, change)
        elif (
            obj.status == Announcement.Status.PUBLISHED and form.initial.get("status") != obj.status
        ):
            obj.status = form.initial.get("status", Announcement.Status.DRAFT)
            obj.publish()
        super().save_model(request, obj, form, change)

    def _refuse_status_change(self, request, obj, form, change):
        """Editors without the publish permission keep the publishing state as it was."""
        was_status = (
            form.initial.get("status", Announcement.Status.DRAFT)
            if change
            else Announcement.Status.DRAFT
        )
        changed_status = obj.status != was_status
        changed_live_time = (
            change
            and was_status == Announcement.Status.PUBLISHED
            and "publish_at" in form.changed_data
        )
        if changed_status or changed_live_time:
            obj.status = was_status
            if changed_live_time:
                obj.publish_at = form.initial["publish_at"]
            self.message_user(
                request,
                _(
                    "Only publishers may publish, schedule or unpublish announcements. "
                    "Your changes were saved, but “%(title)s” stays %(status)s."
                )
                % {"title": obj.title, "status": obj.get_status_display().lower()},
                level=messages.ERROR,
            )

    @admin.action(description=_("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        count = 0
        for announcement in queryset:
            if announcement.publish_at > timezone.now():
                announcement.publish_at = timezone.now()
            announcement.publish()
            announcement.save()
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d announcement published.", "%(count)d announcements published.", count
            )
            % {"count": count},
            level=messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = 0
        for announcement in queryset:
            announcement.unpublish()
            announcement.save()
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d announcement unpublished.", "%(count)d announcements unpublished.", count
            )
            % {"count": count},
            level=messages.SUCCESS,
        )
