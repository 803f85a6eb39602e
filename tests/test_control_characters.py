"""Invisible control characters are refused on input, in every admin form editors use:
announcements, translations, members, tags. The error is on the field, says which
character and where; nothing is saved. A Markdown body or description may still hold
tabs and line breaks; a one-line field may not."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape
from taggit.models import Tag

from announcements.models import Announcement, AnnouncementTranslation
from members.models import Member, MemberTranslation

from .editorial import editor, logged_in, make_announcement, make_member, publisher

pytestmark = pytest.mark.django_db
ADD_ANNOUNCEMENT = "/admin/announcements/announcement/add/"
ADD_TRANSLATION = "/admin/announcements/announcementtranslation/add/"
ADD_MEMBER = "/admin/members/member/add/"
ADD_MEMBER_TRANSLATION = "/admin/members/membertranslation/add/"


def announcement_form(**overrides):
    now = timezone.localtime()
    return {
        "title": "Vaccines arrive",
        "slug": "vaccines-arrive",
        "summary": "A summary.",
        "body": "A body.",
        "picture_alt": "",
        "tags": "Health",
        "status": Announcement.Status.DRAFT,
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": now.strftime("%H:%M:%S"),
        "workflow_comment": "",
        **overrides,
    }


def translation_form(**overrides):
    original = Announcement.objects.first() or make_announcement(slug="original")
    return {
        "announcement": original.pk,
        "language": "fr",
        "title": "Les vaccins arrivent",
        "slug": "les-vaccins-arrivent",
        "summary": "Un résumé.",
        "body": "Un texte.",
        "picture_alt": "",
        **overrides,
    }


def member_form(**overrides):
    return {
        "name": "Open Health Foundation",
        "short_name": "OHF",
        "slug": "open-health",
        "category": Member.Category.FOUNDATION,
        "website": "https://example.org/",
        "country": "Kenya",
        "description": "A description.",
        "picture_alt": "",
        "joined_on": "2024-01-01",
        "left_on": "",
        **overrides,
    }


def member_translation_form(**overrides):
    member = Member.objects.first() or make_member(slug="a-member")
    return {"member": member.pk, "language": "fr", "description": "Une description.", **overrides}


FORMS = {
    "announcement": (ADD_ANNOUNCEMENT, announcement_form, Announcement),
    "translation": (ADD_TRANSLATION, translation_form, AnnouncementTranslation),
    "member": (ADD_MEMBER, member_form, Member),
    "member translation": (ADD_MEMBER_TRANSLATION, member_translation_form, MemberTranslation),
}

# (form, field, a value with a control character, what the error says)
REFUSED = [
    ("announcement", "title", "Vaccines\x0b arrive", "U+000B (character 9)"),
    ("announcement", "title", "Vaccines\tarrive", "single line"),
    ("announcement", "summary", "Doses \x1b[31mred", "U+001B (character 7)"),
    ("announcement", "summary", "Two\nlines", "single line"),
    ("announcement", "body", "Pasted\x08 text", "U+0008 (character 7)"),
    ("announcement", "body", "Not a character: \ufffe", "U+FFFE"),
    ("announcement", "picture_alt", "A\x1f chart", "U+001F (character 2)"),
    ("announcement", "tags", "Health, Vac\x07cines", "U+0007"),
    ("announcement", "workflow_comment", "Please \x0ccheck", "U+000C"),
    ("translation", "title", "Les vaccins\x01", "U+0001"),
    ("translation", "summary", "Un\trésumé", "single line"),
    ("translation", "body", "Un texte \uffff", "U+FFFF"),
    ("translation", "picture_alt", "Un\x1e graphique", "U+001E"),
    ("member", "name", "Open\x0e Health", "U+000E"),
    ("member", "short_name", "OH\x10F", "U+0010"),
    ("member", "country", "Ken\rya", "single line"),
    ("member", "website", "https://example.org/\x01", ""),
    ("member", "description", "We \x15build", "U+0015"),
    ("member", "picture_alt", "Logo\x03", "U+0003"),
    ("member translation", "description", "Nous \x02construisons", "U+0002"),
]


def text(html):
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize(
    ("form", "field", "value", "says"),
    REFUSED,
    ids=[
        f"{form}-{field}-{value.encode('unicode_escape').decode()}"
        for form, field, value, _ in REFUSED
    ],
)
def test_a_control_character_is_refused_on_its_field(form, field, value, says):
    url, data, model = FORMS[form]
    data = data(**{field: value})  # what the form needs exists before counting
    before = model.objects.count()
    response = logged_in(editor()).post(url, data)
    assert response.status_code == 200, "the form is shown again"
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field], errors
    [message] = errors[field]
    assert says in message
    assert model.objects.count() == before
    page = text(response.content.decode())
    assert "Please correct the error below." in page
    # The message is shown in the field's own row, beside its label.
    start = page.index(f" field-{field}")
    end = page.find('class="form-row', start)
    assert escape(message) in page[start : end if end != -1 else None]


@pytest.mark.parametrize("form", ["announcement", "translation", "member translation"])
def test_tabs_and_line_breaks_stay_in_markdown(form):
    url, data, model = FORMS[form]
    field = "description" if form == "member translation" else "body"
    markdown = "A list:\r\n\r\n* one\n* two\n\n\tcode, indented with a tab\n"
    data = data(**{field: markdown})
    # A publisher: an editor's text for a listed member waits for approval.
    response = logged_in(publisher()).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = model.objects.order_by("-pk").first()
    assert "\tcode" in getattr(saved, field)


def test_a_renamed_tag_is_refused_a_control_character():
    tag = Tag.objects.create(name="Health", slug="health")
    response = logged_in(publisher()).post(
        f"/admin/taggit/tag/{tag.pk}/change/", {"name": "Hea\x1flth", "slug": "health"}
    )
    assert response.status_code == 200
    assert "U+001F" in " ".join(response.context["adminform"].form.errors["name"])
    tag.refresh_from_db()
    assert tag.name == "Health"


def test_the_models_refuse_them_too():
    announcement = make_announcement(slug="clean")
    announcement.title = "Bell\x07"
    with pytest.raises(ValidationError) as refused:
        announcement.full_clean()
    assert list(refused.value.message_dict) == ["title"]
