"""Writing news the way editors expect, in a real browser: an editor puts two pictures
from the library into an announcement's text, meets a validation error on the way (the
chosen picture is kept), and submits; a publisher sends it back with a comment; the
editor finds it on the dashboard and resubmits; the publisher schedules it; once its
time comes the public page shows both pictures with their captions."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from announcements.models import Announcement
from dpga.models import LibraryPicture
from tests.factories import image_bytes, make_user

from .conftest import screenshot
from .test_editor_journey import log_in

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Rwanda maps its harvest with open data"
COMMENT = "Say which districts took part, please."


def upload_to_library(page, base_url, path, alt, caption, credit, forget_alt=False):
    page.goto(base_url + "/admin/dpga/librarypicture/add/")
    page.set_input_files("#id_picture", path)
    page.get_by_label("Caption:").fill(caption)
    page.get_by_label("Credit:").fill(credit)
    if forget_alt:  # the description is required: the page says so and keeps the file
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".errornote")).to_be_visible()
        expect(page.get_by_text(f"Kept from your last attempt: {path.name}")).to_be_visible()
    page.get_by_label("Picture description (alt text):").fill(alt)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    return LibraryPicture.objects.get(caption=caption)


def insert_picture(page, caption):
    page.get_by_role("button", name="Picture", exact=True).click()
    page.get_by_role("button", name=caption).click()


def test_an_announcement_with_two_pictures_goes_through_review_to_a_scheduled_page(
    demo_site, live_server, new_context, tmp_path
):
    make_user("eddie", groups=["Editors"])
    make_user("pat", groups=["Publishers"])
    fields = tmp_path / "fields.jpg"
    fields.write_bytes(image_bytes("JPEG", size=(1600, 900), colour=(40, 140, 60)))
    tablet = tmp_path / "tablet.png"
    tablet.write_bytes(image_bytes("PNG", size=(900, 600), colour=(30, 60, 160)))
    lead = tmp_path / "lead.jpg"
    lead.write_bytes(image_bytes("JPEG", size=(1200, 630), colour=(160, 90, 20)))
    base = live_server.url

    # The editor puts two pictures in the library (the first missing its description).
    editor = new_context().new_page()
    log_in(editor, base, "eddie")
    upload_to_library(
        editor, base, fields, "Terraced fields", "Fields near Musanze", "Photo: FAO", True
    )
    upload_to_library(editor, base, tablet, "A farmer's tablet", "Mapping app", "Photo: UNDP")

    # She writes the announcement, pictures inserted with the picture button.
    editor.goto(base + "/admin/announcements/announcement/add/")
    editor.get_by_label("Title:").press_sequentially(TITLE)
    body = editor.get_by_label("Body:")
    body.fill("Farmers map their harvest.\n\n")
    insert_picture(editor, "Fields near Musanze")
    body.press("End")
    body.press_sequentially("The map is open data.\n\n")
    insert_picture(editor, "Mapping app")
    expect(editor.locator(".markdown-preview__body figure")).to_have_count(2)
    expect(editor.locator(".markdown-preview__body figcaption").first).to_contain_text(
        "Fields near Musanze"
    )
    editor.set_input_files("#id_picture", lead)
    editor.get_by_label("Picture description (alt text):").fill("A harvest in the sun.")
    # Leaving now would lose the text: the browser asks first.
    asked = []
    editor.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    editor.close(run_before_unload=True)
    editor.wait_for_timeout(500)
    assert asked == ["beforeunload"] and not editor.is_closed()

    # The summary was forgotten: the form says so, the lead picture is kept.
    editor.locator(".writing-bar").get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".errornote")).to_be_visible()
    expect(editor.get_by_text("Kept from your last attempt: lead.jpg")).to_be_visible()
    expect(editor.locator(".markdown-preview__body figure")).to_have_count(2)  # text kept
    screenshot(editor, "admin-writing-form-error")
    summary = editor.get_by_label("Summary:")
    summary.fill("Farmers in Rwanda map their harvest on tablets; the maps are open data.")
    expect(editor.locator(".character-count")).to_contain_text("of 300 characters")
    editor.locator(".writing-bar").get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("ready for review")
    announcement = Announcement.objects.get(title=TITLE)
    assert announcement.status == Announcement.Status.REVIEW
    assert announcement.picture_type == "image/jpeg"  # the kept lead picture was saved
    assert announcement.body_html.count("<figure") == 2

    # The publisher finds it awaiting review and sends it back with a comment.
    publisher = new_context().new_page()
    log_in(publisher, base, "pat")
    review = publisher.locator("section", has=publisher.locator("#dash-review"))
    review.get_by_role("link", name=TITLE).click()
    publisher.get_by_label("Comment for the workflow:").fill(COMMENT)
    publisher.locator(".writing-bar").get_by_role("button", name="Send back with a comment").click()
    expect(publisher.locator(".messagelist")).to_contain_text("sent back")

    # The editor sees it on her dashboard, with the comment, and resubmits.
    editor.goto(base + "/admin/")
    sent_back = editor.locator("section", has=editor.locator("#dash-sent-back"))
    expect(sent_back).to_contain_text(COMMENT)
    screenshot(editor, "admin-dashboard-desktop")
    sent_back.get_by_role("link", name=TITLE).click()
    expect(editor.locator(".writing-comment")).to_contain_text(COMMENT)
    editor.get_by_label("Body:").press("Control+End")
    editor.get_by_label("Body:").press_sequentially(
        "\n\nFarmers in Musanze and Nyagatare took part."
    )
    editor.locator(".writing-bar").get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("ready for review")

    # The publisher schedules it for an hour from now.
    publisher.goto(base + f"/admin/announcements/announcement/{announcement.pk}/change/")
    go_live = timezone.localtime() + datetime.timedelta(hours=1)
    publisher.locator("#id_publish_at_0").fill(go_live.strftime("%Y-%m-%d"))
    publisher.locator("#id_publish_at_1").fill(go_live.strftime("%H:%M:%S"))
    main = publisher.locator(".writing-bar__main")
    expect(main).to_have_text("Schedule")
    main.click()
    expect(publisher.locator(".messagelist")).to_contain_text("is scheduled")
    row = publisher.locator("#result_list tr", has=publisher.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("Scheduled")
    public = new_context().new_page()
    assert public.goto(base + announcement.get_absolute_url()).status == 404

    # Once its time comes, the public page shows both pictures with their captions.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert public.goto(base + announcement.get_absolute_url()).status == 200
        figures = public.locator(".prose figure")
        expect(figures).to_have_count(2)
        expect(figures.nth(0).locator("figcaption")).to_have_text(
            re.compile(r"Fields near Musanze\s+Photo: FAO")
        )
        expect(figures.nth(1).locator("figcaption")).to_contain_text("Mapping app")
        for index in range(2):
            image = figures.nth(index).locator("img")
            expect(image).to_have_attribute("srcset", re.compile(r"\d+w"))
            assert public.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0
