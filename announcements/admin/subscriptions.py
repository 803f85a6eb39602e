"""News by email in the admin: subscribers (export and erase a person's data),
the issues sent with their delivery counts and failures; and each person's
"My email notifications" page (the review workflow's emails, on or off)."""

import json

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from ..models import Issue, NotificationPreference, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "all_news", "frequency", "confirmed_at", "left_at"]
    # The filters show how many subscribers each topic has (facet counts).
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("left_at", admin.EmptyFieldListFilter),
        "all_news",
        "frequency",
        "language",
        "tags",
        "members",
    ]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["email"]
    readonly_fields = ["confirmation_sent_at", "requested_from", "last_digest_at"]
    actions = ["export_data", "erase_data"]

    @admin.action(description=_("Export the selected subscribers' data (JSON)"))
    def export_data(self, request, queryset):
        data = [
            {
                "email": s.email,
                "language": s.language,
                "all_news": s.all_news,
                "tags": [t.name for t in s.tags.all()],
                "members": [m.name for m in s.members.all()],
                "frequency": s.frequency,
                "subscribed_at": s.created_at.isoformat(),
                "confirmed_at": s.confirmed_at and s.confirmed_at.isoformat(),
                "left_at": s.left_at and s.left_at.isoformat(),
                "requested_from": s.requested_from,
                "emails_sent": [
                    {"issue": str(d.issue), "sent_at": d.sent_at and d.sent_at.isoformat()}
                    for d in s.deliveries.select_related("issue")
                ],
            }
            for s in queryset.prefetch_related("tags", "members")
        ]
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="subscribers.json"'
        return response

    @admin.action(description=_("Erase the selected subscribers and everything sent to them"))
    def erase_data(self, request, queryset):
        count = queryset.count()
        queryset.delete()  # deliveries go with them
        self.message_user(request, _("%(count)d subscriber(s) erased.") % {"count": count})


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "created_at", "delivered", "failing"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "announcement", "subject", "period_start", "period_end"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivered_count=Count("deliveries", filter=Q(deliveries__sent_at__isnull=False)),
                failing_count=Count(
                    "deliveries",
                    filter=Q(deliveries__sent_at__isnull=True) & ~Q(deliveries__error=""),
                ),
            )
        )

    @admin.display(description=_("delivered"), ordering="delivered_count")
    def delivered(self, obj):
        return obj.delivered_count

    @admin.display(description=_("failing"), ordering="failing_count")
    def failing(self, obj):
        return obj.failing_count

    def has_add_permission(self, request):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Each person's own page: whether the review workflow emails them."""

    fields = ["workflow_emails"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.user_id == request.user.pk
        )

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        preference, _created = NotificationPreference.objects.get_or_create(user=request.user)
        return redirect("admin:announcements_notificationpreference_change", preference.pk)
