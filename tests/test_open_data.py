"""The member list as open data (/members.json, /members.csv) and its page."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Member

from .factories import image_upload, make_member

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/members.json", "/members.csv"]
TRICKY_NAME = 'Ministry of ICT, "Innovation"\nand National Guidance'


@pytest.fixture
def members():
    return {
        "undp": make_member(
            name="United Nations Development Programme",
            short_name="UNDP",
            slug="undp",
            category=Member.Category.UN_ENTITY,
            is_board_member=True,
            website="https://www.undp.org/",
            joined_on=datetime.date(2019, 5, 1),
            picture=image_upload("undp.png"),
        ),
        "tricky": make_member(name=TRICKY_NAME, slug="tricky", category=Member.Category.GOVERNMENT),
        "future": make_member(
            name="Joins next week",
            slug="future",
            joined_on=timezone.localdate() + datetime.timedelta(days=7),
        ),
        "left": make_member(
            name="Has left",
            slug="left",
            joined_on=datetime.date(2020, 1, 1),
            left_on=datetime.date(2021, 1, 1),
        ),
    }


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))


def test_json_lists_current_members_with_every_documented_field(client, members):
    response = client.get("/members.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    assert document["licence"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    names = [record["name"] for record in document["members"]]
    assert names == [TRICKY_NAME, "United Nations Development Programme"]
    undp = document["members"][1]
    assert undp == {
        "name": "United Nations Development Programme",
        "acronym": "UNDP",
        "category": "un",
        "category_name": "UN entity",
        "board_member": True,
        "joined_on": "2019-05-01",
        "website": "https://www.undp.org/",
        "profile_url": "http://testserver/members/undp/",
        "logo_url": "http://testserver" + members["undp"].picture.url,
    }
    assert document["members"][0]["logo_url"] is None


def test_csv_has_the_same_records_and_a_tricky_name_round_trips(client, members):
    rows = csv_rows(client.get("/members.csv"))
    assert list(rows[0]) == [
        "name",
        "acronym",
        "category",
        "category_name",
        "board_member",
        "joined_on",
        "website",
        "profile_url",
        "logo_url",
    ]
    assert rows[0]["name"] == TRICKY_NAME  # comma, quote and newline survive
    assert rows[1]["board_member"] == "true" and rows[0]["board_member"] == "false"
    assert rows[1]["joined_on"] == "2019-05-01"
    assert rows[1]["profile_url"] == "http://testserver/members/undp/"
    assert len(rows) == 2


def test_csv_never_hands_a_spreadsheet_a_formula(client):
    make_member(name='=HYPERLINK("http://evil.example","x")', slug="evil")
    rows = csv_rows(client.get("/members.csv"))
    assert rows[0]["name"] == "'" + '=HYPERLINK("http://evil.example","x")'
    document = json.loads(client.get("/members.json").content)
    assert document["members"][0]["name"].startswith("=HYPERLINK")  # JSON keeps the value


@pytest.mark.parametrize("url", ENDPOINTS)
def test_open_data_is_public_cached_and_answers_304(client, members, url):
    response = client.get(url)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    etag = response["ETag"]
    assert etag.startswith('"')
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert len(queries) <= 2
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == etag
    assert (
        client.get(url, HTTP_IF_NONE_MATCH='"broken', HTTP_IF_MODIFIED_SINCE="x").status_code == 200
    )
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("url", ENDPOINTS)
def test_editing_a_member_changes_the_validators(client, members, url):
    first = client.get(url)
    member = members["undp"]
    member.short_name = "PNUD"
    member.save()
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert b"PNUD" in again.content
    assert again["ETag"] != first["ETag"]


def test_a_member_whose_joining_day_comes_is_listed_without_any_edit(client, members):
    import time_machine

    first = client.get("/members.json")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        again = client.get(
            "/members.json",
            HTTP_IF_NONE_MATCH=first["ETag"],
            HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
        )
        assert again.status_code == 200
        assert b"Joins next week" in again.content


def test_the_open_data_page_is_linked_from_every_page_and_states_the_licence(
    client, members, settings
):
    settings.OPEN_DATA_LICENCE_NAME = "Open Data Commons Attribution"
    settings.OPEN_DATA_LICENCE_URL = "https://opendatacommons.org/licenses/by/"
    home = client.get("/").content.decode()
    assert 'href="/open-data/"' in home
    page = client.get("/open-data/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'href="https://opendatacommons.org/licenses/by/" rel="license noopener noreferrer"' in html
    )
    assert "Open Data Commons Attribution" in html
    for link in ('href="/members.json"', 'href="/members.csv"', 'href="/news/feed/json/"'):
        assert link in html
    assert html.count("<h1>") == 1
    document = json.loads(client.get("/members.json").content)
    assert document["licence"]["name"] == "Open Data Commons Attribution"
