# The logo becomes the member's PictureOwner picture (dpga/pictures/models.py): its
# four fields are renamed (logo -> picture, logo_alt -> picture_alt, ...), keeping
# the columns' data, in the member table and its history; then the fields take the
# shared definitions (labels; uploads still go to members/logos/).

import dpga.pictures.fields
import dpga.pictures.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0004_translations'),
    ]

    operations = [
        migrations.RenameField(model_name='member', old_name='logo', new_name='picture'),
        migrations.RenameField(model_name='member', old_name='logo_alt', new_name='picture_alt'),
        migrations.RenameField(
            model_name='member', old_name='logo_decorative', new_name='picture_decorative'
        ),
        migrations.RenameField(
            model_name='member', old_name='logo_renditions', new_name='picture_renditions'
        ),
        migrations.RenameField(model_name='historicalmember', old_name='logo', new_name='picture'),
        migrations.RenameField(
            model_name='historicalmember', old_name='logo_alt', new_name='picture_alt'
        ),
        migrations.RenameField(
            model_name='historicalmember', old_name='logo_decorative', new_name='picture_decorative'
        ),
        migrations.AlterField(
            model_name='historicalmember',
            name='picture',
            field=models.TextField(blank=True, max_length=100, verbose_name='picture'),
        ),
        migrations.AlterField(
            model_name='historicalmember',
            name='picture_alt',
            field=models.CharField(blank=True, max_length=250, verbose_name='picture description (alt text)'),
        ),
        migrations.AlterField(
            model_name='historicalmember',
            name='picture_decorative',
            field=models.BooleanField(default=False, verbose_name='decorative picture'),
        ),
        migrations.AlterField(
            model_name='member',
            name='picture',
            field=dpga.pictures.fields.PictureField(blank=True, upload_to=dpga.pictures.models.picture_upload_to, verbose_name='picture'),
        ),
        migrations.AlterField(
            model_name='member',
            name='picture_alt',
            field=models.CharField(blank=True, max_length=250, verbose_name='picture description (alt text)'),
        ),
        migrations.AlterField(
            model_name='member',
            name='picture_decorative',
            field=models.BooleanField(default=False, verbose_name='decorative picture'),
        ),
    ]
