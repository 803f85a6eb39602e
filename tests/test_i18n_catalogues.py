"""The interface catalogues: every string of the code translated in the five other
languages, with the right plural forms, compiled and current."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from tests.i18n_helpers import (
    LOCALE_DIRS,
    TRANSLATED,
    catalogue,
)

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_is_translated(language):
    po = catalogue(language)
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]
    assert len(po) > 100


def test_plural_forms_are_those_of_each_language():
    expected = {"ar": 6, "zh-hans": 1, "fr": 2, "ru": 3, "es": 2}
    for language, count in expected.items():
        po = catalogue(language)
        assert f"nplurals={count};" in po.metadata["Plural-Forms"]
        for entry in po:
            if entry.msgid_plural:
                assert len(entry.msgstr_plural) == count, (language, entry.msgid)


def test_plural_forms_choose_the_right_words():
    with translation.override("ru"):
        assert (
            translation.ngettext(
                "The alliance has %(counter)s member.", "The alliance has %(counter)s members.", 21
            )
            % {"counter": 21}
            == "В альянсе 21 член."
        )
        assert (
            translation.ngettext(
                "The alliance has %(counter)s member.", "The alliance has %(counter)s members.", 3
            )
            % {"counter": 3}
            == "В альянсе 3 члена."
        )
        assert (
            translation.ngettext(
                "The alliance has %(counter)s member.", "The alliance has %(counter)s members.", 11
            )
            % {"counter": 11}
            == "В альянсе 11 членов."
        )
    with translation.override("ar"):
        two = translation.ngettext(
            "The alliance has %(counter)s member.", "The alliance has %(counter)s members.", 2
        )
        eleven = translation.ngettext(
            "The alliance has %(counter)s member.", "The alliance has %(counter)s members.", 11
        )
        assert two == "للتحالف عضوان."
        assert eleven % {"counter": 11} == "للتحالف 11 عضوًا."


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_current_one(language):
    """The .mo the site reads holds exactly the .po's translations (built, not stale)."""
    directory = BASE_DIR / "locale" / LOCALE_DIRS[language] / "LC_MESSAGES"
    po = polib.pofile(str(directory / "django.po"))
    mo = polib.mofile(str(directory / "django.mo"))
    compiled = {(e.msgid, e.msgstr or tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    source = {
        (e.msgid, e.msgstr or tuple(sorted(e.msgstr_plural.items())))
        for e in po.translated_entries()
    }
    assert source <= compiled


def test_the_catalogues_hold_exactly_the_strings_of_the_code(tmp_path, settings, monkeypatch):
    """`makemessages` on the code as it is would change no catalogue (no drift)."""
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    copy = tmp_path / "project"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "__pycache__", "media", "staticfiles", "node_modules", "*.mo", "*.sqlite3",
            "bench-results", "test-artifacts",
        ),
    )  # fmt: skip
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=list(LOCALE_DIRS.values()),
        no_location=True,
        no_obsolete=True,
        verbosity=0,
    )
    for language in TRANSLATED:
        committed = catalogue(language)
        regenerated = polib.pofile(
            str(copy / "locale" / LOCALE_DIRS[language] / "LC_MESSAGES/django.po")
        )
        assert {e.msgid for e in regenerated} == {e.msgid for e in committed}, language
        assert not regenerated.untranslated_entries(), [
            e.msgid for e in regenerated.untranslated_entries()
        ]
        assert not regenerated.fuzzy_entries(), [e.msgid for e in regenerated.fuzzy_entries()]
