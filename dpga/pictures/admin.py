"""What the admin shows about a stored picture (a preview and the files served), and the
picture library's admin (registered by dpga/admin.py)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from .kept_uploads import KeptUploadsFormMixin
from .library import LibraryPicture


def picture_summary(picture, data, share_image=None):
    if picture is None:
        return "—"
    preview = format_html(
        '<img class="picture-preview" src="{}" alt="" width="{}" height="{}">',
        picture.src,
        picture.width,
        picture.height,
    )
    facts = ""
    if data.get("source"):
        facts = format_html(
            "<p>{}</p>",
            _("Stored original: %(width)s×%(height)s, %(size)s, %(type)s, no metadata.")
            % {
                "width": data["width"],
                "height": data["height"],
                "size": filesizeformat(data["bytes"]),
                "type": data["type"],
            },
        )
    sizes = format_html_join(
        ", ",
        "{}×{} {}",
        (
            (item["width"], item["height"], fmt["type"].removeprefix("image/"))
            for formats in data.get("sets", {}).values()
            for fmt in formats
            for item in fmt["items"]
        ),
    )
    renditions = (
        format_html("<p>{} {}</p>", _("Sizes made for phones and screens:"), sizes) if sizes else ""
    )
    card = ""
    if share_image is not None:
        card = format_html(
            '<p>{} <a href="{}">{}×{}</a></p>',
            _("Share card:"),
            share_image.url,
            share_image.width,
            share_image.height,
        )
    return format_html("{}{}{}{}", preview, facts, renditions, card)


class LibraryPictureForm(KeptUploadsFormMixin, forms.ModelForm):
    class Meta:
        model = LibraryPicture
        fields = ["picture", "picture_alt", "picture_decorative", "caption", "credit"]


class LibraryPictureAdmin(admin.ModelAdmin):
    """The picture library: upload once, copy or insert its Markdown anywhere; a picture
    still placed in a body is not deleted (the page says where it is used).

    The body editor's picture dialog lists the library (``choose/``) and uploads a new
    picture (``upload/``) with the add page's own form, checks and saving."""

    form = LibraryPictureForm

    class Media:  # the editor script: leaving a changed form asks first
        js = ["editorial/admin-editor.js"]
        css = {"all": ["editorial/admin-editor.css"]}

    list_display = ["thumbnail", "__str__", "credit", "markdown_code", "used_in_count"]
    list_display_links = ["__str__"]  # the thumbnail is decorative: the name is the link
    search_fields = ["picture_alt", "caption", "credit"]
    readonly_fields = ["as_served", "markdown_code", "where_used", "uploaded_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["picture", "picture_alt", "picture_decorative", "caption", "credit"]}),
        (
            gettext_lazy("Placing it"),
            {"fields": ["markdown_code", "where_used", "as_served", "uploaded_by", "created_at"]},
        ),
    ]

    def get_urls(self):
        return [
            path(
                "choose/",
                self.admin_site.admin_view(self.choose_view),
                name="dpga_librarypicture_choose",
            ),
            path(
                "upload/",
                self.admin_site.admin_view(require_POST(self.upload_view)),
                name="dpga_librarypicture_upload",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """Refuses deleting a picture that a body still shows, naming each body."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for picture in objs:
            for usage in picture.usages():
                protected.append(
                    format_html("{}: {}", usage._meta.verbose_name.capitalize(), _admin_link(usage))
                )
        return deleted, counts, perms_needed, protected

    def choose_view(self, request):
        """The newest library pictures (or those matching ?q=) for the editor's picture
        button: a thumbnail, the alt text and the Markdown to insert; and, for someone
        who may add pictures, the upload form's fields."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        pictures = self.get_queryset(request)
        query = request.GET.get("q", "").strip()[:100]
        if query:
            pictures = self.get_search_results(request, pictures, query)[0]
        answer = {
            "pictures": [_choice(picture) for picture in pictures[:24]],
            "library_url": reverse("admin:dpga_librarypicture_changelist"),
        }
        if self.has_add_permission(request):
            answer["upload"] = {
                "url": reverse("admin:dpga_librarypicture_upload"),
                "fields": _described_fields(self.get_form(request, None, change=False)()),
            }
        return JsonResponse(answer)

    def upload_view(self, request):
        """The picture dialog's upload: validated and saved as the add page does (its
        form, checks, metadata removal, renditions queued), answered in JSON: the new
        picture (201), or the form's errors by field (400)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request, None, change=False)(request.POST, request.FILES)
        if not form.is_valid():
            errors = {
                name: [error["message"] for error in field_errors]
                for name, field_errors in form.errors.get_json_data().items()
            }
            return JsonResponse({"errors": errors}, status=400)
        with transaction.atomic(using=router.db_for_write(self.model)):
            picture = self.save_form(request, form, change=False)
            self.save_model(request, picture, form, change=False)
            self.save_related(request, form, [], change=False)
            message = self.construct_change_message(request, form, [], add=True)
            self.log_addition(request, picture, message)
        return JsonResponse(_choice(picture), status=201)

    @admin.display(description=gettext_lazy("picture"))
    def thumbnail(self, obj):
        shown = obj.picture_set
        if shown is None:
            return "—"
        return format_html(
            '<img class="library-thumbnail" src="{}" alt="" width="{}" height="{}">',
            shown.src,
            120,
            round(120 * shown.height / shown.width) if shown.width else 90,
        )

    @admin.display(description=gettext_lazy("as served"))
    def as_served(self, obj):
        return picture_summary(obj.picture_set, obj.picture_renditions) if obj.pk else "—"

    @admin.display(description=gettext_lazy("Markdown to place it in a body"))
    def markdown_code(self, obj):
        if not obj.pk:
            return _("Shown once the picture is saved.")
        return format_html('<code class="library-markdown">{}</code>', obj.markdown)

    @admin.display(description=gettext_lazy("used in"))
    def used_in_count(self, obj):
        count = len(obj.usages())
        return ngettext("%(count)d body", "%(count)d bodies", count) % {"count": count}

    @admin.display(description=gettext_lazy("used in"))
    def where_used(self, obj):
        usages = obj.usages() if obj.pk else []
        if not usages:
            return _("Not used yet.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((_admin_link(u),) for u in usages))
        )


def _choice(picture):
    """A library picture as the picture dialog shows and inserts it."""
    return {
        "id": picture.pk,
        "src": picture.picture_set.src if picture.picture_set else "",
        "alt": picture.picture_alt_text,
        "caption": picture.caption,
        "markdown": picture.markdown,
    }


def _described_fields(form):
    """A form's fields as the picture dialog builds them: name, label (with a colon as
    the admin writes it, none beside a check box), help, input type."""
    return [
        {
            "name": field.html_name,
            "label": f"{field.label}{'' if _kind(field) == 'checkbox' else form.label_suffix}",
            "help": strip_tags(str(field.help_text)),
            "type": _kind(field),
            "required": field.field.required,
            "attrs": {
                name: str(value)
                for name, value in field.field.widget.attrs.items()
                if name in ("accept", "maxlength")
            },
        }
        for field in form
    ]


def _kind(field):
    return getattr(field.field.widget, "input_type", "text")


def _admin_link(obj):
    """A link to an object's admin page (its name alone where it has none)."""
    opts = obj._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(obj)
    return format_html('<a href="{}">{}</a>', url, obj)
