"""Cards are drawn once and kept by what they show: never out of date.

The page cache is off in these tests, as for a page nobody asked for since the
last content change: only the fragment cache (dpga/fragments.py) is at work.
"""

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.utils import translation
from taggit.models import Tag

from announcements.models import Announcement, AnnouncementTranslation
from dpga import fragments

from .factories import make_announcement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.PAGE_CACHE_ENABLED = False


def card_key(announcement, language="en"):
    with translation.override(language):
        shown = Announcement.objects.for_listing().get(pk=announcement.pk)
        return make_template_fragment_key("card", [shown.card_state(), ""])


def test_a_card_is_drawn_once_and_then_kept(client):
    story = make_announcement(title="Kept card", tags=["Health"])
    assert caches["fragments"].get(card_key(story)) is None
    first = client.get("/news/").text
    kept = caches["fragments"].get(card_key(story))
    assert kept is not None and "Kept card" in kept and "Health" in kept
    assert client.get("/news/").text == first


def test_an_edit_saved_without_touching_updated_at_still_shows(client):
    story = make_announcement(title="Old title")
    client.get("/news/")
    Announcement.objects.filter(pk=story.pk).update(title="New title")  # no save(), no signal
    page = client.get("/news/").text
    assert "New title" in page and "Old title" not in page


def test_a_renamed_tag_shows_on_every_card(client):
    make_announcement(title="Tagged", tags=["Helth"])
    assert "Helth" in client.get("/news/").text
    Tag.objects.filter(name="Helth").update(name="Health")  # the announcement is untouched
    page = client.get("/news/").text
    assert ">Health<" in page and "Helth" not in page


def test_each_language_has_its_own_card(client):
    story = make_announcement(title="Open registry", slug="open-registry")
    assert "Open registry" in client.get("/fr/news/").text
    AnnouncementTranslation.objects.create(
        announcement=story, language="fr", title="Registre ouvert", slug="registre", summary="."
    )
    assert "Registre ouvert" in client.get("/fr/news/").text
    assert "/fr/news/registre/" in client.get("/fr/news/").text
    english = client.get("/news/").text
    assert "Open registry" in english and "Registre ouvert" not in english


def test_a_card_kept_for_one_heading_level_is_not_used_for_another(client):
    make_announcement(title="Featured story", featured=True)
    assert '<h2 class="card__title"><a href="/news/' in client.get("/news/").text
    home = client.get("/").text  # the same card under the home page's <h2> sections
    assert '<h3 class="card__title"><a href="/news/' in home
    assert '<h2 class="card__title"' not in home


def test_new_code_or_templates_never_reuse_old_fragments(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    card = tmp_path / "templates" / "card.html"
    card.write_text("<article>{{ title }}</article>")
    settings.BASE_DIR = tmp_path
    fragments.release.cache_clear()
    try:
        before = fragments.release()
        card.write_text("<article class='card'>{{ title }}</article>")
        fragments.release.cache_clear()
        assert fragments.release() != before
    finally:
        fragments.release.cache_clear()
