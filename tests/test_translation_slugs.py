"""A translation's slug never takes another announcement's address in its language:
the admin refuses it on the slug field, names the announcement it belongs to and
suggests a free slug; an original's slug likewise never takes a translation's."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from announcements.models import Announcement, AnnouncementTranslation

from .editorial import (
    admin_change_url,
    change_form_data,
    editor,
    logged_in,
    make_announcement,
    publisher,
)

pytestmark = pytest.mark.django_db
Status = Announcement.Status
ADD_TRANSLATION = "/admin/announcements/announcementtranslation/add/"


def translation_form(announcement, slug, language="fr"):
    return {
        "announcement": announcement.pk,
        "language": language,
        "title": "Une nouvelle",
        "slug": slug,
        "summary": "Un résumé.",
        "body": "",
        "picture_alt": "",
    }


def slug_errors(response):
    return response.context["adminform"].form.errors.get("slug", [])


def text(html):
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def two_announcements():
    health = make_announcement(
        title="Health news", slug="health-news", status=Status.PUBLISHED, author=None
    )
    food = make_announcement(title="Food news", slug="food-news", status=Status.PUBLISHED)
    return health, food


def test_a_translation_may_not_take_another_announcements_original_slug(two_announcements):
    health, food = two_announcements
    client = logged_in(editor())
    response = client.post(ADD_TRANSLATION, translation_form(food, "health-news"))
    assert response.status_code == 200
    [error] = slug_errors(response)
    assert "“health-news” is already the address of “Health news”" in error
    assert "for example “health-news-2”" in error
    assert error in text(response.content.decode())
    assert not AnnouncementTranslation.objects.exists()
    # The French address still shows the announcement it belonged to.
    assert "Health news" in Client().get("/fr/news/health-news/").content.decode()

    # The suggested slug is accepted (from a publisher: an editor's translation of
    # published news waits for approval).
    response = logged_in(publisher()).post(ADD_TRANSLATION, translation_form(food, "health-news-2"))
    assert response.status_code == 302
    assert AnnouncementTranslation.objects.get().slug == "health-news-2"


def test_a_translation_may_not_take_another_translations_slug_in_its_language(
    two_announcements,
):
    health, food = two_announcements
    AnnouncementTranslation.objects.create(
        announcement=health, language="fr", title="Santé", slug="sante", summary="."
    )
    client = logged_in(editor())
    response = client.post(ADD_TRANSLATION, translation_form(food, "sante"))
    [error] = slug_errors(response)
    assert "“sante” is already the address of “Santé”" in error
    assert "for example “sante-2”" in error
    assert AnnouncementTranslation.objects.count() == 1
    # In another language the same words are free.
    assert client.post(ADD_TRANSLATION, translation_form(food, "sante", "es")).status_code == 302


def test_a_translation_may_keep_its_own_originals_slug(two_announcements):
    health, _food = two_announcements
    client = logged_in(editor())
    assert client.post(ADD_TRANSLATION, translation_form(health, "health-news")).status_code == 302


def test_the_suggestion_skips_slugs_that_are_taken_too(two_announcements):
    health, food = two_announcements
    make_announcement(title="Health news again", slug="health-news-2")
    client = logged_in(editor())
    [error] = slug_errors(client.post(ADD_TRANSLATION, translation_form(food, "health-news")))
    assert "for example “health-news-3”" in error


def test_the_model_refuses_it_too(two_announcements):
    _health, food = two_announcements
    translation = AnnouncementTranslation(
        announcement=food, language="fr", title="Une", slug="health-news", summary="."
    )
    with pytest.raises(ValidationError) as refused:
        translation.full_clean()
    assert "slug" in refused.value.message_dict


def test_an_original_may_not_take_another_announcements_translated_slug(two_announcements):
    health, food = two_announcements
    AnnouncementTranslation.objects.create(
        announcement=health, language="fr", title="Santé", slug="sante", summary="."
    )
    client = logged_in(editor())
    response = client.post(admin_change_url(food), change_form_data(food, slug="sante"))
    assert response.status_code == 200
    [error] = slug_errors(response)
    assert "“sante” is already the address of “Santé”" in error
    assert "for example “sante-2”" in error
    food.refresh_from_db()
    assert food.slug == "food-news"
