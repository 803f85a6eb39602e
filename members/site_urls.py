"""The members app's addresses at the top of each language's site: /members/ and
the open data (included by dpga/urls.py)."""

from django.urls import include, path

from . import opendata

urlpatterns = [
    path("members/", include("members.urls")),
    path("members.json", opendata.members_json, name="members_json"),
    path("members.csv", opendata.members_csv, name="members_csv"),
    path("open-data/", opendata.open_data_page, name="open_data"),
]
