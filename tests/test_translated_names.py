"""Member names, acronyms and tag names in other languages: shown wherever the name is,
the original (marked with its language) where there is no translation, out of date once
the original is renamed, and every page follows a new translation at once."""

import pytest
from django.contrib.auth import get_user_model
from taggit.models import Tag

from announcements.models import TagTranslation
from members.models import MemberTranslation

from .factories import make_announcement, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    who = make_member(slug="who", name="World Health Organization", short_name="WHO")
    make_announcement(title="Clinics", slug="clinics", tags=["Health"], members=[who])
    return who


def test_a_translated_member_name_and_acronym_show_on_every_page_in_that_language(client, world):
    MemberTranslation.objects.create(
        member=world,
        language="fr",
        name="Organisation mondiale de la Santé",
        short_name="OMS",
        description="L’agence de santé.",
    )
    for url in ("/fr/members/", "/fr/", "/fr/members/who/", "/fr/news/clinics/"):
        html = client.get(url).text
        assert "Organisation mondiale de la Santé" in html, url
        assert "World Health Organization" not in html.split("<main")[1], url
    assert "(OMS)" in client.get("/fr/members/").text
    assert '<option value="who">Organisation mondiale de la Santé</option>' in (
        client.get("/fr/search/").text
    )
    # Other languages keep the original.
    assert "World Health Organization" in client.get("/es/members/").text


def test_an_untranslated_member_name_carries_its_language(client, world):
    html = client.get("/ar/members/").text
    assert '<a href="/ar/members/who/" lang="en">World Health Organization</a>' in html
    assert '<h1 lang="en">World Health Organization</h1>' in client.get("/ar/members/who/").text


def test_a_translation_without_a_name_shows_the_original_name(client, world):
    MemberTranslation.objects.create(member=world, language="fr", description="L’agence.")
    html = client.get("/fr/members/").text
    assert '<a href="/fr/members/who/" lang="en">World Health Organization</a>' in html
    assert "(WHO)" in html


def test_renaming_a_member_puts_its_translations_out_of_date(world):
    translation = MemberTranslation.objects.create(
        member=world, language="fr", name="OMS", description="x"
    )
    assert not translation.is_out_of_date
    world.name = "World Health Organisation"
    world.save()
    translation.refresh_from_db()
    assert translation.is_out_of_date
    assert list(MemberTranslation.objects.out_of_date()) == [translation]


def test_a_translated_tag_name_shows_on_cards_the_tag_page_the_news_list_and_search(client, world):
    health = Tag.objects.get(slug="health")
    TagTranslation.objects.create(tag=health, language="fr", name="Santé")
    cards = client.get("/fr/news/").text
    assert '<p class="card__topic"><a href="/fr/news/tags/health/">Santé</a></p>' in cards
    assert '<a href="/fr/news/tags/health/">Santé <span class="count">1</span></a>' in cards
    heading = client.get("/fr/news/tags/health/").text.split("<h1>")[1].split("</h1>")[0]
    assert "Santé" in heading
    assert '<option value="health">Santé</option>' in client.get("/fr/search/").text
    assert ">Health</a>" in client.get("/news/").text  # English keeps the tag's name


def test_feeds_keep_the_tags_own_name(client, world):
    health = Tag.objects.get(slug="health")
    TagTranslation.objects.create(tag=health, language="fr", name="Santé")
    feed = client.get("/fr/news/feed/rss/").content.decode()
    assert "<category>Health</category>" in feed


def test_renaming_a_tag_puts_its_translations_out_of_date_until_saved_again(client, world):
    health = Tag.objects.get(slug="health")
    translation = TagTranslation.objects.create(tag=health, language="fr", name="Santé")
    assert not translation.is_out_of_date
    health.name = "Public health"
    health.save()
    translation.refresh_from_db()
    assert translation.is_out_of_date
    assert list(TagTranslation.objects.out_of_date()) == [translation]
    translation.save()
    assert list(TagTranslation.objects.up_to_date()) == [translation]


def test_the_admin_lists_tag_translations_with_their_state_and_edits_them_on_the_tag(client, world):
    admin = get_user_model().objects.create_superuser("boss", password="a-long-password-1")
    client.force_login(admin)
    health = Tag.objects.get(slug="health")
    TagTranslation.objects.create(tag=health, language="fr", name="Santé")
    Tag.objects.filter(pk=health.pk).update(name="Public health")
    stale = client.get("/admin/announcements/tagtranslation/?up_to_date=no")
    assert stale.status_code == 200 and "Santé" in stale.text
    assert "Santé" not in client.get("/admin/announcements/tagtranslation/?up_to_date=yes").text
    page = client.get(f"/admin/taggit/tag/{health.pk}/change/")
    assert page.status_code == 200 and 'value="Santé"' in page.text


def test_a_new_tag_or_member_translation_shows_at_once_on_cached_pages(client, world, settings):
    settings.PAGE_CACHE_ENABLED = True
    assert "Santé" not in client.get("/fr/news/").text
    TagTranslation.objects.create(tag=Tag.objects.get(slug="health"), language="fr", name="Santé")
    assert "Santé" in client.get("/fr/news/").text
    assert "OMS-fr" not in client.get("/fr/members/").text
    MemberTranslation.objects.create(member=world, language="fr", name="OMS-fr", description="x")
    assert "OMS-fr" in client.get("/fr/members/").text
