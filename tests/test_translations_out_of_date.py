"""Translations in the admin and out of date: editing an original marks its
translations stale until a translator saves them again."""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from announcements.models import AnnouncementTranslation
from members.models import MemberTranslation
from tests.i18n_helpers import BODIES, SLUGS, TITLES, make_announcement, make_member, prefix

pytestmark = pytest.mark.django_db


def test_editing_the_original_makes_its_translations_out_of_date():
    announcement = make_announcement(translate=["fr", "ar"])
    assert not AnnouncementTranslation.objects.out_of_date().exists()

    announcement.body = "Forty-one countries now use the registry."
    announcement.save()
    assert set(
        AnnouncementTranslation.objects.out_of_date().values_list("language", flat=True)
    ) == {
        "fr",
        "ar",
    }

    french = AnnouncementTranslation.objects.get(language="fr")
    assert french.is_out_of_date
    french.body = "Quarante et un pays utilisent désormais le registre."
    french.save()
    assert not AnnouncementTranslation.objects.get(language="fr").is_out_of_date
    assert AnnouncementTranslation.objects.get(language="ar").is_out_of_date


def test_publishing_or_tagging_the_original_does_not_make_translations_stale():
    announcement = make_announcement(translate=["fr"])
    announcement.unpublish()
    announcement.featured = True
    announcement.save()
    announcement.tags.add("Zeta")
    assert not AnnouncementTranslation.objects.get().is_out_of_date


def test_a_members_description_translation_goes_out_of_date():
    member = make_member(translate=["es"])
    member.description = "A ministry that builds and runs shared digital services."
    member.save()
    assert MemberTranslation.objects.get().is_out_of_date
    assert MemberTranslation.objects.out_of_date().count() == 1


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123-secret")
    client.force_login(user)
    return client


def test_the_admin_shows_and_filters_out_of_date_translations(admin_client):
    stale = make_announcement(translate=["fr"])
    make_announcement(translate=["fr"], slug="second-news", title="Second news")
    stale.summary = "A changed summary."
    stale.save()

    changelist = reverse("admin:announcements_announcementtranslation_changelist")
    html = admin_client.get(changelist + "?up_to_date=no").text
    rows = re.findall(r'<td class="field-announcement nowrap">([^<]+)</td>', html)
    assert rows == [TITLES["en"]]
    assert 'alt="False"' in html  # the "up to date" column says no
    html = admin_client.get(changelist + "?up_to_date=yes").text
    rows = re.findall(r'<td class="field-announcement nowrap">([^<]+)</td>', html)
    assert rows == ["Second news"]

    announcements = reverse("admin:announcements_announcement_changelist")
    html = admin_client.get(announcements + "?translations=out_of_date").text
    assert TITLES["en"] in html
    assert "Second news" not in html
    html = admin_client.get(announcements).text
    assert "fr (out of date)" in html

    change = reverse("admin:announcements_announcement_change", args=[stale.pk])
    html = admin_client.get(change).text
    assert "Out of date: the original changed after this translation was saved." in html
    members = reverse("admin:members_membertranslation_changelist")
    assert admin_client.get(members + "?up_to_date=no").status_code == 200


def test_the_admin_marks_translations_up_to_date(admin_client):
    announcement = make_announcement(translate=["fr"])
    announcement.body = "Changed."
    announcement.save()
    translation_pk = AnnouncementTranslation.objects.get().pk
    response = admin_client.post(
        reverse("admin:announcements_announcementtranslation_changelist"),
        {"action": "mark_up_to_date", "_selected_action": [translation_pk]},
        follow=True,
    )
    assert "1 translation marked as up to date." in response.text
    assert not AnnouncementTranslation.objects.get().is_out_of_date


def test_the_admin_adds_a_translation_beside_the_original(admin_client):
    announcement = make_announcement()
    change = reverse("admin:announcements_announcement_change", args=[announcement.pk])
    html = admin_client.get(change).text
    add = reverse("admin:announcements_announcementtranslation_add")
    assert f'href="{add}?announcement={announcement.pk}"' in html

    form = {
        "announcement": announcement.pk,
        "language": "ru",
        "title": TITLES["ru"],
        "slug": SLUGS["ru"],
        "summary": BODIES["ru"],
        "body": BODIES["ru"],
        "picture_alt": "",
    }
    response = admin_client.post(add, form)
    assert response.status_code == 302
    russian = AnnouncementTranslation.objects.get(language="ru")
    assert russian.slug == SLUGS["ru"]
    assert not russian.is_out_of_date
    page = admin_client.get(
        reverse("admin:announcements_announcementtranslation_change", args=[russian.pk])
    ).text
    assert f'<div lang="en"><p>{TITLES["en"]}</p>' in page  # the original, to translate from
    assert russian.get_absolute_url() == f"{prefix('ru')}/news/{quote(SLUGS['ru'])}/"
    assert "Русский" in admin_client.get(change).text or "Russian" in admin_client.get(change).text


def test_the_admin_refuses_a_translation_into_the_originals_language(admin_client):
    announcement = make_announcement()
    response = admin_client.post(
        reverse("admin:announcements_announcementtranslation_add"),
        {
            "announcement": announcement.pk,
            "language": "en",
            "title": "Twice",
            "slug": "twice",
            "summary": "Twice.",
            "body": "",
            "picture_alt": "",
        },
    )
    assert response.status_code == 200
    assert "The original is already in this language; edit it instead." in response.text
    assert not AnnouncementTranslation.objects.exists()


def test_saving_the_original_in_the_admin_keeps_its_language(admin_client):
    announcement = make_announcement(language="fr")
    change = reverse("admin:announcements_announcement_change", args=[announcement.pk])
    response = admin_client.post(
        change,
        {
            "title": "Nouveau titre",
            "slug": announcement.slug,
            "summary": announcement.summary,
            "body": announcement.body,
            "picture_alt": "",
            "tags": "",
            "status": "published",
            "publish_at_0": announcement.publish_at.strftime("%Y-%m-%d"),
            "publish_at_1": announcement.publish_at.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.title == "Nouveau titre"
    assert announcement.language == "fr"


def test_the_original_cannot_take_a_translations_language():
    from django.core.exceptions import ValidationError

    announcement = make_announcement(translate=["fr"])
    announcement.language = "fr"
    with pytest.raises(ValidationError) as error:
        announcement.full_clean()
    assert "language" in error.value.message_dict


def test_editors_may_write_translations():
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"add_announcementtranslation", "change_announcementtranslation"} <= codenames
    assert {"add_membertranslation", "change_membertranslation"} <= codenames
    assert "publish_announcement" not in codenames
