"""Writing news the way editors expect, in a real browser: an editor puts two pictures
into an announcement's text (one chosen from the library, one uploaded from the body
editor's picture dialog), meets validation errors on the way (nothing is lost), leaves
and comes back to find her text autosaved and restored, and submits; a publisher sends
it back with a comment; the editor finds it on the dashboard and resubmits; the
publisher schedules it; once its time comes the public page shows both pictures with
their captions."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from announcements.models import Announcement
from dpga.models import LibraryPicture
from dpga.review.models import WorkingCopy
from tests.factories import image_bytes, make_user

from .conftest import SCREENSHOTS, screenshot
from .test_editor_journey import log_in

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Rwanda maps its harvest with open data"
COMMENT = "Say which districts took part, please."


def upload_to_library(page, base_url, path, alt, caption, credit):
    """Upload a picture on the library's page, first forgetting its description: the
    page says so and keeps the file."""
    page.goto(base_url + "/admin/dpga/librarypicture/add/")
    page.set_input_files("#id_picture", path)
    page.get_by_label("Caption:").fill(caption)
    page.get_by_label("Credit:").fill(credit)
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


def upload_in_dialog(page, path, alt, caption, credit):
    """Upload a new picture from the body's picture dialog, first forgetting its
    description: the dialog says so beside the field and inserts nothing."""
    body = page.get_by_label("Body:")
    text_before = body.input_value()
    page.get_by_role("button", name="Picture", exact=True).click()
    dialog = page.locator(".picture-upload")
    expect(dialog.locator("legend")).to_have_text("Upload a new picture")
    dialog.get_by_label("Picture:").set_input_files(path)
    dialog.get_by_label("Caption:").fill(caption)
    dialog.get_by_label("Credit:").fill(credit)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".picture-chooser").screenshot(path=SCREENSHOTS / "admin-picture-upload.png")
    dialog.get_by_role("button", name="Upload and insert").click()
    described = dialog.get_by_label("Picture description (alt text):")
    expect(described).to_be_focused()
    expect(described).to_have_attribute("aria-invalid", "true")
    expect(described).to_have_accessible_description(re.compile("^Describe the picture"))
    assert body.input_value() == text_before
    assert not LibraryPicture.objects.filter(caption=caption).exists()
    screenshot(page, "admin-writing-form-upload-error")
    described.fill(alt)
    described.press("Enter")  # uploads this picture; never submits the announcement
    expect(page.locator(".picture-chooser")).to_be_hidden()
    expect(body).to_be_focused()
    picture = LibraryPicture.objects.get(caption=caption)
    assert (picture.picture_alt, picture.credit) == (alt, credit)
    return picture


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

    # The editor puts a picture in the library (first missing its description).
    editor = new_context().new_page()
    log_in(editor, base, "eddie")
    library = upload_to_library(
        editor, base, fields, "Terraced fields", "Fields near Musanze", "Photo: FAO"
    )

    # She writes the announcement: one picture chosen from the library with the picture
    # button, the other uploaded from the same dialog, each inserted at the cursor.
    add_url = base + "/admin/announcements/announcement/add/"
    editor.goto(add_url)
    editor.get_by_label("Title:").press_sequentially(TITLE)
    body = editor.get_by_label("Body:")
    body.fill("Farmers map their harvest.\n\n")
    insert_picture(editor, "Fields near Musanze")
    body.press("End")
    body.press_sequentially("The map is open data.\n\n")
    with editor.expect_response(
        lambda r: r.url.endswith("/autosave/") and "tablet](picture:" in (r.request.post_data or "")
    ):
        uploaded = upload_in_dialog(
            editor, tablet, "A farmer's tablet", "Mapping app", "Photo: UNDP"
        )
    text = (
        f"Farmers map their harvest.\n\n{library.markdown}\n\n"
        f"The map is open data.\n\n{uploaded.markdown}\n\n"
    )
    expect(body).to_have_value(text)
    expect(editor.locator(".markdown-preview__body figure")).to_have_count(2)
    expect(editor.locator(".markdown-preview__body figcaption").first).to_contain_text(
        "Fields near Musanze"
    )
    autosaved = WorkingCopy.objects.autosaves().get().data["body"]
    assert autosaved.replace("\r\n", "\n") == text  # a form posts line ends as CRLF

    # She leaves (the browser asks first) and comes back: the text is restored.
    asked = []
    editor.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    editor.get_by_role("link", name="Home").first.click()
    expect(editor.get_by_role("heading", name="Site administration")).to_be_visible()
    assert asked == ["beforeunload"]
    editor.goto(add_url)
    expect(editor.locator(".autosave__restored")).to_contain_text(
        "Restored your unsaved changes from"
    )
    expect(editor.get_by_label("Title:")).to_have_value(TITLE)
    expect(body).to_have_value(text)
    expect(editor.locator(".markdown-preview__body figure")).to_have_count(2)
    editor.set_input_files("#id_picture", lead)
    editor.get_by_label("Picture description (alt text):").fill("A harvest in the sun.")

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
