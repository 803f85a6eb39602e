"""Fill a bench database with N announcements, members, tags and pictures' metadata.

Plain bulk inserts (no per-row save()): Markdown is rendered once per body
variant, so 100,000 announcements take seconds, not minutes. Deterministic:
the same N gives the same rows.
"""

import datetime
import io
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image
from taggit.models import Tag, TaggedItem

from announcements.models import Announcement
from dpga.rendering import render_markdown
from members.models import Member

BATCH = 2000
MEMBERS = 60
PICTURES = 12
TOPICS = [
    "Health", "Education", "Open data", "Open source", "Climate", "Agriculture",
    "Digital identity", "Payments", "Interoperability", "Privacy", "Open AI models",
    "Open content", "Governance", "Membership", "Funding", "Standards", "Security",
    "Gender equality", "Financial inclusion", "Early warning", "Civic tech", "Registries",
    "Mapping", "Statistics", "Water", "Energy", "Cities", "Research", "Events", "Policy",
]  # fmt: skip
VERBS = ["publishes", "opens", "joins", "supports", "funds", "releases", "adopts", "reviews"]
THINGS = [
    "a registry of digital public goods", "an open dataset", "a reference implementation",
    "new guidance", "a community call", "an open standard", "a pilot in three countries",
    "a maintainers' fund", "an annual report", "a privacy assessment",
]  # fmt: skip
PARAGRAPHS = [
    "The alliance is a multi-stakeholder initiative for open-source software, open data, open "
    "AI models and open content that adhere to privacy best practices and do no harm.",
    "Members from UN entities, governments, foundations and companies work together so that "
    "digital public goods are found, used and maintained where they help most.",
    "The work described here is **open**: the code, the data and the documents are published "
    "under open licences, and anyone may reuse them. See [the members](/members/).",
    "## What happens next\n\nThe partners will report on progress in the coming months, and "
    "the results will be shared with the whole community.",
    "* Open source software\n* Open data\n* Open AI models\n* Open content",
    "Questions and contributions are welcome through the usual community channels; the "
    "maintainers answer in public so that others can learn from the discussion.",
    "Interoperability matters: systems built on open standards can be combined, replaced and "
    "improved without starting again, which lowers the cost for every country that adopts them.",
]


def body_variants(rng):
    bodies = []
    for _ in range(24):
        text = "\n\n".join(rng.sample(PARAGRAPHS, 4))
        bodies.append((text, render_markdown(text)))
    return bodies


def picture_files():
    """A few real JPEGs in the media folder; announcements share them."""
    files = []
    for i in range(PICTURES):
        name = f"announcements/bench/picture-{i}.jpg"
        if not default_storage.exists(name):
            buffer = io.BytesIO()
            Image.new("RGB", (1600, 900), (20 * i % 255, 90, 140)).save(buffer, "JPEG")
            default_storage.save(name, io.BytesIO(buffer.getvalue()))
        files.append((name, default_storage.size(name)))
    return files


@transaction.atomic
def seed(n, *, seed_value=7):
    rng = random.Random(seed_value)
    now = timezone.now()
    today = timezone.localdate()

    author = get_user_model().objects.create_user(
        "bench-author", first_name="Bench", last_name="Author"
    )
    members = Member.objects.bulk_create(
        Member(
            name=f"Member organisation {i}",
            short_name=f"MO{i}",
            slug=f"member-{i}",
            category=list(Member.Category.values)[i % len(Member.Category.values)],
            is_board_member=i < 4,
            country=rng.choice(["", "Estonia", "Rwanda", "Uganda", "India", "Kenya"]),
            website=f"https://member-{i}.example.org/",
            description=(text := "A member organisation of the alliance. " * 3),
            description_html=render_markdown(text),
            joined_on=today - datetime.timedelta(days=30 + i * 20),
        )
        for i in range(MEMBERS)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=name, slug=name.lower().replace(" ", "-")) for name in TOPICS
    )
    bodies = body_variants(rng)
    pictures = picture_files()

    # Newest first: one every 7 minutes back from an hour ago; every 100th a
    # draft, every 100th (offset) scheduled within the next days.
    rows = []
    for i in range(n):
        status = Announcement.Status.PUBLISHED
        publish_at = now - datetime.timedelta(hours=1, minutes=7 * i)
        if i % 100 == 50:
            status = Announcement.Status.DRAFT
        elif i % 100 == 99:
            publish_at = now + datetime.timedelta(days=1 + i % 7, minutes=i % 60)
        body, body_html = bodies[i % len(bodies)]
        topic = TOPICS[i % len(TOPICS)]
        member = members[i % MEMBERS]
        picture, picture_bytes = pictures[i % PICTURES] if i % 3 == 0 else ("", None)
        rows.append(
            Announcement(
                title=f"{member.short_name} {rng.choice(VERBS)} {rng.choice(THINGS)} on {topic.lower()}",
                slug=f"bench-{i}",
                summary=(
                    f"{member.name} and partners: {rng.choice(THINGS)} for {topic.lower()}, "
                    "open to everyone and built to do no harm."
                ),
                body=body,
                body_html=body_html,
                picture=picture,
                picture_alt="A coloured banner" if picture else "",
                picture_width=1600 if picture else None,
                picture_height=900 if picture else None,
                picture_bytes=picture_bytes,
                picture_type="image/jpeg" if picture else "",
                author=author,
                status=status,
                publish_at=publish_at,
                featured=i % 50 == 0,
            )
        )
    # bulk_create sets auto_now(_add) fields itself.
    created = []
    for start in range(0, n, BATCH):
        created.extend(Announcement.objects.bulk_create(rows[start : start + BATCH]))
    ids = list(Announcement.objects.order_by("pk").values_list("pk", flat=True))

    content_type = ContentType.objects.get_for_model(Announcement)
    tagged = []
    about = []
    Through = Announcement.members.through
    for i, pk in enumerate(ids):
        for tag in {tags[i % len(tags)], tags[(i * 7 + 3) % len(tags)]}:
            tagged.append(TaggedItem(tag=tag, content_type=content_type, object_id=pk))
        for member in {members[i % MEMBERS], members[(i * 11 + 5) % MEMBERS]}:
            about.append(Through(announcement_id=pk, member_id=member.pk))
    TaggedItem.objects.bulk_create(tagged, batch_size=BATCH * 2)
    Through.objects.bulk_create(about, batch_size=BATCH * 2)
    return {
        "announcements": n,
        "members": MEMBERS,
        "tags": len(tags),
        "pictures": sum(1 for row in rows if row.picture),
        "media_root": str(settings.MEDIA_ROOT),
    }
