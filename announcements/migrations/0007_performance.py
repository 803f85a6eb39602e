"""Full-text search document (PostgreSQL) and indexes for the public lists."""

import django.contrib.postgres.search
from django.db import migrations, models

# PostgreSQL only: a trigger keeps the search document of every row up to date
# (admin saves, bulk_create, raw SQL alike), and a GIN index serves the search.
# Title weighs most (A), then summary (B), then body (C). The configuration
# ("english") must match announcements.models.SEARCH_CONFIG.
CREATE_SEARCH = [
    """
CREATE FUNCTION announcements_search_document() RETURNS trigger AS $$
BEGIN
  NEW.search_document :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """
CREATE TRIGGER announcements_search_document
  BEFORE INSERT OR UPDATE OF title, summary, body
  ON announcements_announcement
  FOR EACH ROW EXECUTE FUNCTION announcements_search_document()""",
    "UPDATE announcements_announcement SET title = title",
    "CREATE INDEX announcement_search_idx ON announcements_announcement USING GIN (search_document)",
]

DROP_SEARCH = [
    "DROP INDEX IF EXISTS announcement_search_idx",
    "DROP TRIGGER IF EXISTS announcements_search_document ON announcements_announcement",
    "DROP FUNCTION IF EXISTS announcements_search_document()",
]


# taggit's table has no index that starts with the tag: add one that covers
# the tag pages' membership test (announcements.models.AnnouncementQuerySet.tagged).
TAG_ITEMS_INDEX = "taggeditem_tag_object_idx"


def add_tag_items_index(apps, schema_editor):
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    schema_editor.add_index(
        TaggedItem,
        models.Index(fields=["tag", "content_type", "object_id"], name=TAG_ITEMS_INDEX),
    )


def remove_tag_items_index(apps, schema_editor):
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    schema_editor.remove_index(
        TaggedItem,
        models.Index(fields=["tag", "content_type", "object_id"], name=TAG_ITEMS_INDEX),
    )


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0006_pictures"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="announcement",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(on_postgresql(CREATE_SEARCH), on_postgresql(DROP_SEARCH)),
        migrations.RemoveIndex(model_name="announcement", name="announcement_live_idx"),
        migrations.AddIndex(
            model_name="announcement",
            index=models.Index(
                fields=["status", "publish_at", "id"], name="announcement_live_idx"
            ),
        ),
        migrations.RunPython(add_tag_items_index, remove_tag_items_index),
    ]
