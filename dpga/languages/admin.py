"""Admin pieces for translations, shared by announcements and members.

An original's change page lists its translations (language, out of date or
not, a link to each) and links to "add a translation"; each translation is
edited on its own page, beside the original's text. The original's form keeps
its own fields only, so saving an original never touches its translations.
"""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class OutOfDateFilter(admin.SimpleListFilter):
    """On a translations list: out of date (the original changed since) or up to date."""

    title = _("up to date with the original")
    parameter_name = "up_to_date"

    def lookups(self, request, model_admin):
        return [("no", _("Out of date")), ("yes", _("Up to date"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.out_of_date()
        if self.value() == "yes":
            return queryset.up_to_date()
        return queryset


class HasOutOfDateTranslationFilter(admin.SimpleListFilter):
    """On a list of originals: those with an out-of-date translation, or none at all."""

    title = _("translations")
    parameter_name = "translations"

    def lookups(self, request, model_admin):
        return [("out_of_date", _("Some out of date")), ("none", _("Not translated"))]

    def queryset(self, request, queryset):
        translation_model = queryset.model.translation_model()
        own = {translation_model.SOURCE_FIELD: OuterRef("pk")}
        if self.value() == "out_of_date":
            return queryset.filter(Exists(translation_model.objects.out_of_date().filter(**own)))
        if self.value() == "none":
            return queryset.filter(~Exists(translation_model.objects.filter(**own)))
        return queryset


def translation_admin_url(model, action, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=args)


def original_text(source, *texts):
    """An original's text, shown read-only beside its translation's form."""
    # linebreaks() escapes the text itself (autoescape=True) and adds only <p> and <br>.
    paragraphs = format_html_join(
        "",
        "{}",
        ((mark_safe(linebreaks(text, autoescape=True)),) for text in texts if text),  # noqa: S308
    )
    return format_html('<div lang="{}">{}</div>', source.language, paragraphs)


def translation_summary(obj):
    """The languages an original is translated into, out-of-date ones marked."""
    items = [
        (t.language, f" ({_('out of date')})" if t.is_out_of_date else "")
        for t in obj.translations.all()
    ]
    if not items:
        return "—"
    return format_html_join(", ", "{}{}", items)


class TranslatedOriginalAdminMixin:
    """For an original's admin: the translations overview and an optional language field."""

    @admin.display(description=_("translations"))
    def translations_list(self, obj):
        return translation_summary(obj)

    @admin.display(description=_("translations"))
    def translations_overview(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the original first, then add its translations.")
        model = type(obj).translation_model()
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> — {}</li>',
            (
                (
                    translation_admin_url(model, "change", t.pk),
                    t.get_language_display(),
                    _("Out of date: the original changed after this translation was saved.")
                    if t.is_out_of_date
                    else _("Up to date"),
                )
                for t in obj.translations.all()
            ),
        )
        add = translation_admin_url(model, "add") + f"?{model.SOURCE_FIELD}={obj.pk}"
        return format_html(
            '<ul class="translations">{}</ul><a class="addlink" href="{}">{}</a>',
            rows,
            add,
            _("Add a translation"),
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "language" in form.base_fields:
            # Left out of a submitted form, the original's language stays as it was.
            form.base_fields["language"].required = False
        return form


class TranslationAdminMixin:
    """A translations change list: language, out-of-date flag and filter, an action."""

    list_filter = [OutOfDateFilter, "language"]
    actions = ["mark_up_to_date"]

    @admin.display(boolean=True, description=_("up to date"))
    def up_to_date(self, obj):
        return not obj.is_out_of_date

    @admin.action(description=_("Mark as up to date (checked against the original)"))
    def mark_up_to_date(self, request, queryset):
        count = 0
        for translation in queryset:
            translation.save()
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d translation marked as up to date.",
                "%(count)d translations marked as up to date.",
                count,
            )
            % {"count": count},
            level=messages.SUCCESS,
        )
