"""The announcements' admin, one module a concern, registered here:

- announcement.py   the announcement's form, list and page
- workflow.py       review steps on save and as bulk actions; the steps taken
- previews.py       preview links for drafts; the links made
- deleting.py       who may delete an announcement; its own records go with it
- tags.py           the tags field's hint, merging tags (replacing taggit's tag admin);
                    the merges made; tag names in other languages
- translations.py   every translation of an announcement
- times.py          times shown in the site's time zone, the zone named
- states.py         draft, review, scheduled, published: the list's column and filter
- writing.py        the form as a writing page: layout, action bar, statuses offered

What the site records by itself (steps, merges, preview links) is read-only here
(dpga.admin.ReadOnlyAdminMixin).
"""

from django.contrib import admin
from taggit.models import Tag

from ..models import (
    Announcement,
    AnnouncementTranslation,
    PreviewLink,
    TagMerge,
    TagTranslation,
    Transition,
)
from . import subscriptions  # noqa: F401 (registers News by email)
from .announcement import AnnouncementAdmin
from .previews import PreviewLinkAdmin
from .tags import TagAdmin, TagMergeAdmin, TagTranslationAdmin
from .translations import AnnouncementTranslationAdmin
from .workflow import TransitionAdmin

admin.site.register(Announcement, AnnouncementAdmin)
admin.site.register(PreviewLink, PreviewLinkAdmin)
admin.site.register(Transition, TransitionAdmin)
admin.site.register(TagMerge, TagMergeAdmin)
admin.site.unregister(Tag)
admin.site.register(Tag, TagAdmin)
admin.site.register(TagTranslation, TagTranslationAdmin)
admin.site.register(AnnouncementTranslation, AnnouncementTranslationAdmin)
