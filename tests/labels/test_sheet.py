"""Issue 16.5: the labels sheet (`/staff/labels/`) and one item's label (`/staff/items/<id>/label/`).
Each label shows the item's name, category and id and a QR code of its scan address (SITE_URL +
`/i/<id>`), checked module by module against segno's code for that URL (tests/labels/qrmatrix.py).
The sheet is a page of the catalogue index (catalogue/listing.py): at most 50 labels, within the
same bounded reads whatever the catalogue's size."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from reservations.catalogue import listing, retire
from tests.factories import as_staff, make_item
from tests.labels.qrmatrix import dark_modules, expected_modules
from tests.page_meter import fill, metered

LABEL = re.compile(r'<li class="label"[^>]*>(.*?)</li>', re.S)
SVG = re.compile(r"<svg.*?</svg>", re.S)
BORDER = 2  # the quiet zone the labels draw (labels/qr.py)


def scan_url(item_id: str) -> str:
    return settings.SITE_URL.rstrip("/") + f"/i/{item_id}"


def labels_of(html: str) -> list[str]:
    return LABEL.findall(html)


def test_each_label_has_name_category_id_and_the_qr_of_its_scan_address(staff_client, aws):
    drill = make_item(name="Drill & bits", category="Tools")
    camera = make_item(name="Camera", category="Cameras")
    found, query = [], {}
    while True:  # the first page may stop after its budget of reads: "More labels" goes on
        r = staff_client.get("/staff/labels/", query)
        assert r.status_code == 200
        found += labels_of(r.content.decode())
        if not r.context["listing"].next_cursor:
            break
        query = {"cursor": r.context["listing"].next_cursor}
    assert len(found) == 2
    for item, label in zip([camera, drill], found, strict=True):  # category, then name
        assert item.item_id in label and item.category in label
        assert (item.name.replace("&", "&amp;")) in label
        [svg] = SVG.findall(label)
        assert dark_modules(svg) == expected_modules(scan_url(item.item_id), border=BORDER)
        assert dark_modules(svg) != expected_modules(scan_url(item.item_id) + "x", border=BORDER)
        assert 'role="img"' in svg and f"QR code: {scan_url(item.item_id)}" in svg  # its accessible name
        assert scan_url(item.item_id) in label  # printed under the code too


def test_the_sheet_is_staff_only(client, member_client, aws):
    assert client.get("/staff/labels/")["Location"] == "/accounts/sign-in/?next=/staff/labels/"
    assert member_client.get("/staff/labels/").status_code == 403
    assert member_client.get("/staff/items/any1/label/").status_code == 403


@pytest.mark.parametrize("count", [12, 1000])
def test_a_sheet_reads_a_bounded_amount_whatever_the_catalogue(staff_client, aws, count):
    fill(count)
    query: dict[str, str] = {}
    for attempt in ("cold", "warm", "next page"):
        with metered() as meter:
            r = staff_client.get("/staff/labels/", query)
        assert r.status_code == 200, attempt
        assert len(meter.calls) <= 3, (attempt, meter.calls)
        assert len(labels_of(r.content.decode())) <= listing.PAGE_SIZE
        cursor = r.context["listing"].next_cursor
        if attempt == "warm" and cursor:
            query = {"cursor": cursor}
    if count == 1000:
        assert len(labels_of(r.content.decode())) == listing.PAGE_SIZE and r.context["listing"].next_cursor


def test_the_pages_list_every_item_once(staff_client, aws):
    fill(130)
    seen: list[str] = []
    query: dict[str, str] = {}
    while True:
        r = staff_client.get("/staff/labels/", query)
        seen += re.findall(r"<code>(fill\d+)</code>", r.content.decode())
        more = r.context["more"]
        if not more:
            break
        assert "cursor=" in more and 'rel="next"' in r.content.decode()
        query = {"cursor": r.context["listing"].next_cursor}
    assert len(seen) == len(set(seen)) == 130


def test_a_category_and_a_name_prefix(staff_client, aws):
    for name in ("Drill", "drum kit", "Saw"):
        make_item(name=name, category="Tools")
    make_item(name="Drone", category="Cameras")
    body = staff_client.get("/staff/labels/", {"category": "Tools", "q": "DR"}).content.decode()
    names = [re.search(r"<h2[^>]*>(.*?)</h2>", label).group(1) for label in labels_of(body)]
    assert names == ["Drill", "drum kit"]


def test_bad_filters_are_a_form_error(staff_client, aws):
    r = staff_client.get("/staff/labels/", {"q": "x" * 1000})
    assert r.status_code == 400 and labels_of(r.content.decode()) == []


def test_a_cursor_not_for_this_list_starts_again(staff_client, aws):
    fill(300)
    cursor = staff_client.get("/staff/labels/", {"category": "Rooms"}).context["listing"].next_cursor
    assert cursor
    for query in ({"category": "Tools", "cursor": cursor}, {"cursor": "garbage"}):
        r = staff_client.get("/staff/labels/", query)
        assert r.status_code == 302, query
        assert "cursor" not in r["Location"]


def test_one_items_label_is_linked_from_its_staff_page(staff_client, staff, item):
    page = staff_client.get(f"/staff/items/{item.item_id}/").content.decode()
    assert f'href="/staff/items/{item.item_id}/label/"' in page
    r = staff_client.get(f"/staff/items/{item.item_id}/label/")
    assert r.status_code == 200
    [label] = labels_of(r.content.decode())
    [svg] = SVG.findall(label)
    assert dark_modules(svg) == expected_modules(scan_url(item.item_id), border=BORDER)
    retire.item_retire_with_bookings(actor=as_staff(staff), item_id=item.item_id, choice="keep", reason="")
    assert staff_client.get(f"/staff/items/{item.item_id}/label/").status_code == 200  # its loans still come back


@pytest.mark.parametrize("item_id", ["unknown1", "no such item"])
def test_the_label_of_an_unknown_item_is_404(staff_client, aws, item_id):
    assert staff_client.get(f"/staff/items/{item_id}/label/").status_code == 404


def test_the_sheet_prints_without_the_navigation(staff_client, item):
    body = staff_client.get("/staff/labels/").content.decode()
    assert "css/labels.css" in body
    css = (settings.BASE_DIR / "static" / "css" / "labels.css").read_text()
    print_rules = css[css.index("@media print") :]
    for hidden in (".site-header", ".staff-nav", ".staff-banner", ".site-footer", ".no-print"):
        assert hidden in print_rules
    assert "@page" in css and "A4" in css


def test_the_staff_menu_leads_to_the_label_sheet(staff_client, member_client):
    menu = staff_client.get("/staff/items/").content.decode()
    assert 'href="/staff/labels/"' in menu
    assert 'href="/staff/labels/"' not in member_client.get("/").content.decode()  # members have no staff menu
