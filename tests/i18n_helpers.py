"""Shared pieces of the six-language tests: content in every language, page text."""

import datetime
import re
from html.parser import HTMLParser

import polib
from django.conf import settings
from django.utils import timezone

from announcements.models import Announcement, AnnouncementTranslation
from members.models import Member, MemberTranslation

LANGUAGES = ["ar", "zh-hans", "en", "fr", "ru", "es"]
TRANSLATED = ["ar", "zh-hans", "fr", "ru", "es"]
LOCALE_DIRS = {"ar": "ar", "zh-hans": "zh_Hans", "fr": "fr", "ru": "ru", "es": "es"}


def catalogue(language):
    """The committed interface catalogue (.po) of a language."""
    return polib.pofile(
        str(settings.BASE_DIR / "locale" / LOCALE_DIRS[language] / "LC_MESSAGES/django.po")
    )


def prefix(language):
    """English pages have no language prefix; the five others have theirs."""
    return "" if language == "en" else f"/{language}"


# Content in each language (what an editor and translators would write).
TITLES = {
    "en": "Open registry reaches forty countries",
    "ar": "السجل المفتوح يصل إلى أربعين بلدًا",
    "zh-hans": "开放登记册覆盖四十个国家",
    "fr": "Le registre ouvert atteint quarante pays",
    "ru": "Открытый реестр охватывает сорок стран",
    "es": "El registro abierto llega a cuarenta países",
}
SLUGS = {
    "en": "open-registry-forty-countries",
    "ar": "السجل-المفتوح-أربعين-بلدا",
    "zh-hans": "开放登记册四十个国家",
    "fr": "registre-ouvert-quarante-pays",
    "ru": "открытый-реестр-сорок-стран",
    "es": "registro-abierto-cuarenta-paises",
}
BODIES = {
    "en": "Forty countries now use the registry.",
    "ar": "تستخدم أربعون دولة السجل الآن.",
    "zh-hans": "现在有四十个国家使用该登记册。",
    "fr": "Quarante pays utilisent désormais le registre.",
    "ru": "Теперь реестром пользуются сорок стран.",
    "es": "Cuarenta países usan ya el registro.",
}
SEARCH_WORDS = {
    "en": "registry",
    "ar": "السجل",
    "zh-hans": "登记册",
    "fr": "registre",
    "ru": "реестр",
    "es": "registro",
}
DESCRIPTIONS = {
    "en": "A ministry that builds shared digital services.",
    "ar": "وزارة تبني خدمات رقمية مشتركة.",
    "zh-hans": "一个建设共享数字服务的部委。",
    "fr": "Un ministère qui construit des services numériques partagés.",
    "ru": "Министерство, создающее общие цифровые сервисы.",
    "es": "Un ministerio que construye servicios digitales compartidos.",
}


def make_member(slug="zeta-ministry", name="Zeta Ministry", translate=()):
    member = Member.objects.create(
        name=name,
        slug=slug,
        category=Member.Category.GOVERNMENT,
        is_board_member=True,
        country="Zetaland",
        website="https://zeta.example",
        description=DESCRIPTIONS["en"],
        joined_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    for language in translate:
        MemberTranslation.objects.create(
            member=member, language=language, description=DESCRIPTIONS[language]
        )
    return member


def make_announcement(translate=(), slug=None, days_ago=3, **fields):
    """A published English announcement, translated into the given languages."""
    announcement = Announcement.objects.create(
        title=fields.pop("title", TITLES["en"]),
        slug=slug or SLUGS["en"],
        summary=fields.pop("summary", BODIES["en"]),
        body=fields.pop("body", BODIES["en"]),
        status=Announcement.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )
    for language in translate:
        AnnouncementTranslation.objects.create(
            announcement=announcement,
            language=language,
            title=TITLES[language],
            slug=SLUGS[language] if slug is None else f"{slug}-{language}",
            summary=BODIES[language],
            body=BODIES[language],
        )
    return announcement


class _PageText(HTMLParser):
    """What a visitor reads (and a screen reader announces) in the page's own language.

    Text inside an element marked with another language (lang="en" on an
    untranslated body, each language's own name in the switcher) is left out.
    """

    ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "content", "value"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.parts = []
        self.page_language = None
        self._skip = 0
        self._other_language = []  # [tag, nesting depth] of open elements in another language

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.page_language = attrs.get("lang")
        if tag in {"script", "style", "code"}:  # code (field names, headers) is not prose
            self._skip += 1
        if self._other_language and self._other_language[-1][0] == tag:
            self._other_language[-1][1] += 1
        elif attrs.get("lang") not in (None, self.page_language) and tag not in self.VOID:
            self._other_language.append([tag, 0])
        if self._other_language or (attrs.get("lang") not in (None, self.page_language)):
            return
        for name, value in attrs.items():
            if name == "content" and not self._is_prose_meta(attrs):
                continue  # og:type, og:locale ...: codes, not words
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)

    @staticmethod
    def _is_prose_meta(attrs):
        kind = attrs.get("name") or attrs.get("property") or ""
        return kind.endswith(("title", "description", ":alt"))

    def handle_endtag(self, tag):
        if tag in {"script", "style", "code"}:
            self._skip -= 1
        if self._other_language and self._other_language[-1][0] == tag:
            if self._other_language[-1][1]:
                self._other_language[-1][1] -= 1
            else:
                self._other_language.pop()

    def handle_data(self, data):
        if not self._skip and not self._other_language and data.strip():
            self.parts.append(data.strip())


def page_text(html):
    parser = _PageText()
    parser.feed(html)
    return "\n".join(parser.parts)


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def english_fragments(msgid):
    """The pieces of an English interface string that would show if it were untranslated."""
    pieces = [piece.strip(" .,:;“”") for piece in _PLACEHOLDER.split(msgid)]
    if len(pieces) == 1:
        return [pieces[0]] if len(pieces[0]) >= 4 else []
    return [piece for piece in pieces if len(piece) >= 8]


def untranslated_strings(text, catalogue):
    """English interface strings from the catalogue that appear in the page text."""
    found = []
    for entry in catalogue:
        if entry.msgstr == entry.msgid:  # the same word in both languages ("Pages", "logo")
            continue
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            for fragment in english_fragments(msgid):
                if re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text):
                    found.append(fragment)
    return found
