"""A preview link is a key to a draft: an editor sees (copies, revokes) only the links
of their own announcements; publishers see every link. No admin page another editor
can open shows the key: not the announcement's page, not the links' list or pages,
not a "view on site" shortcut."""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType

from announcements.models import PreviewLink

from .editorial import editor, logged_in, make_announcement, publisher

pytestmark = pytest.mark.django_db
ADMIN_LINK = re.compile(r'href="(/admin/[^"#]*)"')
LINKS_LIST = "/admin/announcements/previewlink/"
PAGE_LIMIT = 400


def change_page(announcement):
    return f"/admin/announcements/announcement/{announcement.pk}/change/"


@pytest.fixture
def drafts():
    edna, eddie, paul = editor(), editor("eddie"), publisher()
    ednas = make_announcement(title="Edna's secret plans", slug="ednas-plans", author=edna)
    eddies = make_announcement(title="Eddie's draft", slug="eddies-draft", author=eddie)
    return {
        "edna": edna,
        "eddie": eddie,
        "paul": paul,
        "ednas": ednas,
        "eddies": eddies,
        # Edna's own link, and one a publisher made for her draft.
        "ednas links": [PreviewLink.create_for(ednas, edna), PreviewLink.create_for(ednas, paul)],
        "eddies link": PreviewLink.create_for(eddies, eddie),
    }


def admin_pages(client, start, limit=PAGE_LIMIT):
    """Every admin page reachable from `start` by following links (GET only, no
    query strings, never logging out): {address: response}."""
    seen, queue, pages = set(), list(start), {}
    while queue and len(pages) < limit:
        address = queue.pop(0)
        if address in seen or "logout" in address:
            continue
        seen.add(address)
        response = client.get(address)
        pages[address] = response
        if response.get("Content-Type", "").startswith("text/html"):
            for found in ADMIN_LINK.findall(response.content.decode()):
                found = urlsplit(html.unescape(found)).path
                if found not in seen:
                    queue.append(found)
    assert len(pages) < limit, "the crawl was cut short"
    return pages


def test_no_admin_page_another_editor_can_open_shows_the_key(drafts):
    client = logged_in(drafts["eddie"])
    link_type = ContentType.objects.get_for_model(PreviewLink)
    start = ["/admin/", LINKS_LIST, change_page(drafts["ednas"])]
    for link in drafts["ednas links"]:
        start += [
            f"/admin/announcements/previewlink/{link.pk}/change/",
            f"/admin/announcements/previewlink/{link.pk}/delete/",
            f"/admin/r/{link_type.pk}/{link.pk}/",  # the admin's "view on site" shortcut
        ]
    pages = admin_pages(client, start)
    assert change_page(drafts["ednas"]) in pages
    assert any("/history/" in address for address in pages)
    secrets = [link.token for link in drafts["ednas links"]]
    for address, response in pages.items():
        shown = response.content.decode(errors="replace") + response.get("Location", "")
        for token in secrets:
            assert token not in shown, address
    # Their own link they see, and may copy.
    own = client.get(change_page(drafts["eddies"])).content.decode()
    assert drafts["eddies link"].token in own


def test_the_links_list_shows_an_editor_only_the_links_of_their_own_announcements(drafts):
    listing = logged_in(drafts["eddie"]).get(LINKS_LIST)
    assert listing.status_code == 200
    shown = [row.announcement for row in listing.context["cl"].result_list]
    assert shown == [drafts["eddies"]]
    everything = logged_in(drafts["paul"]).get(LINKS_LIST).context["cl"].result_list
    assert len(everything) == 3


def test_the_author_sees_every_link_to_their_draft_and_may_revoke_each(drafts):
    client = logged_in(drafts["edna"])
    page = client.get(change_page(drafts["ednas"])).content.decode()
    for link in drafts["ednas links"]:
        assert link.token in page
        assert f"/preview-links/{link.pk}/revoke/" in page
    made_by_publisher = drafts["ednas links"][1]
    revoke = f"/admin/announcements/announcement/{drafts['ednas'].pk}/preview-links/{made_by_publisher.pk}/revoke/"
    assert client.post(revoke).status_code == 302
    made_by_publisher.refresh_from_db()
    assert made_by_publisher.revoked_at is not None


def test_a_publisher_sees_and_may_revoke_every_link(drafts):
    client = logged_in(drafts["paul"])
    for announcement, links in (
        (drafts["ednas"], drafts["ednas links"]),
        (drafts["eddies"], [drafts["eddies link"]]),
    ):
        page = client.get(change_page(announcement)).content.decode()
        for link in links:
            assert link.token in page
            assert f"/preview-links/{link.pk}/revoke/" in page


def test_another_editors_revoke_action_touches_nothing(drafts):
    client = logged_in(drafts["eddie"])
    targets = [link.pk for link in drafts["ednas links"]]
    client.post(LINKS_LIST, {"action": "revoke", "_selected_action": targets})
    assert not PreviewLink.objects.filter(pk__in=targets, revoked_at__isnull=False).exists()
