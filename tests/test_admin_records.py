"""What the site records by itself is read-only in the admin: workflow steps and tag merges
are only shown; preview links are only revoked or deleted; moved addresses are
written by the site and may be corrected or removed, never added by hand."""

import pytest
from django.contrib.admin import site

from announcements.models import PreviewLink, TagMerge, Transition
from dpga.models import SlugRedirect

from .factories import make_draft, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_request(rf):
    request = rf.get("/admin/")
    request.user = make_user("root", superuser=True)
    return request


@pytest.mark.parametrize(
    ("model", "allowed"),
    [
        (Transition, set()),
        (TagMerge, set()),
        (PreviewLink, {"delete"}),
        (SlugRedirect, {"change", "delete"}),
    ],
    ids=["workflow steps", "tag merges", "preview links", "moved addresses"],
)
def test_even_a_superuser_only_views_what_the_site_records(superuser_request, model, allowed):
    model_admin = site.get_model_admin(model)
    permissions = {
        "add": model_admin.has_add_permission(superuser_request),
        "change": model_admin.has_change_permission(superuser_request),
        "delete": model_admin.has_delete_permission(superuser_request),
        "view": model_admin.has_view_permission(superuser_request),
    }
    assert permissions == {
        "add": "add" in allowed,
        "change": "change" in allowed,
        "delete": "delete" in allowed,
        "view": True,
    }


def test_the_record_pages_answer_as_their_permissions_say(client):
    client.force_login(make_user("root", superuser=True))
    link = PreviewLink.create_for(make_draft())
    assert client.get("/admin/announcements/transition/").status_code == 200
    assert client.get("/admin/announcements/transition/add/").status_code == 403
    assert client.get("/admin/announcements/tagmerge/add/").status_code == 403
    assert client.get("/admin/announcements/previewlink/add/").status_code == 403
    page = client.get(f"/admin/announcements/previewlink/{link.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(f"/admin/announcements/previewlink/{link.pk}/delete/").status_code == 200
    assert client.get("/admin/dpga/slugredirect/add/").status_code == 403
