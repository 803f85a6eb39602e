# The picture fields now come from dpga.pictures.models.PictureOwner: the same
# columns, with the shared definitions (uploads still go to announcements/%Y/%m/; the
# help texts moved to the admin form). No change in the database.

import dpga.pictures.fields
import dpga.pictures.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('announcements', '0008_translations'),
    ]

    operations = [
        migrations.AlterField(
            model_name='announcement',
            name='picture',
            field=dpga.pictures.fields.PictureField(blank=True, upload_to=dpga.pictures.models.picture_upload_to, verbose_name='picture'),
        ),
        migrations.AlterField(
            model_name='announcement',
            name='picture_alt',
            field=models.CharField(blank=True, max_length=250, verbose_name='picture description (alt text)'),
        ),
        migrations.AlterField(
            model_name='announcement',
            name='picture_decorative',
            field=models.BooleanField(default=False, verbose_name='decorative picture'),
        ),
        migrations.AlterField(
            model_name='historicalannouncement',
            name='picture',
            field=models.TextField(blank=True, max_length=100, verbose_name='picture'),
        ),
        migrations.AlterField(
            model_name='historicalannouncement',
            name='picture_alt',
            field=models.CharField(blank=True, max_length=250, verbose_name='picture description (alt text)'),
        ),
        migrations.AlterField(
            model_name='historicalannouncement',
            name='picture_decorative',
            field=models.BooleanField(default=False, verbose_name='decorative picture'),
        ),
    ]
