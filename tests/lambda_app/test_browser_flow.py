"""A whole visit through `handler` alone: sign in, book, see the booking, in every event shape."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, future_slot
from tests.lambda_app.browser import KIND_IDS, KINDS, Browser, forms


@pytest.mark.parametrize(("kind", "host", "stage", "prefix"), KINDS, ids=KIND_IDS)
def test_sign_in_and_book_through_the_handler(aws, hosts, member, item, kind, host, stage, prefix):
    from reservations import clock

    browser = Browser(kind=kind, host=host, stage=stage)

    # anonymous → sign-in page, with the stage kept in every link
    answer = browser.get(f"{prefix}/")
    assert answer.status == 302
    assert answer.location == f"{prefix}/accounts/sign-in/?next={prefix}/"
    page = browser.get(answer.location)
    assert page.status == 200
    assert "csrftoken" in browser.jar
    sign_in = forms(page.body)[f"{prefix}/accounts/sign-in/"]
    assert sign_in["csrfmiddlewaretoken"]
    assert sign_in["next"] == f"{prefix}/"

    answer = browser.post(
        f"{prefix}/accounts/sign-in/", {**sign_in, "email": "member@example.com", "password": PASSWORD}
    )
    assert answer.status == 302, answer.body[:2000]
    assert answer.location == f"{prefix}/"
    assert {"sessionid", "messages"} <= set(browser.jar)

    catalogue = browser.get(answer.location)
    assert catalogue.status == 200
    assert "Welcome" in catalogue.body  # the messages cookie came back
    assert "messages" not in browser.jar  # ... and was deleted once shown
    assert f'href="{prefix}/items/{item.item_id}/' in catalogue.body

    item_page = browser.get(f"{prefix}/items/{item.item_id}/")
    assert item_page.status == 200
    book_url = f"{prefix}/items/{item.item_id}/book/"
    booking_form = forms(item_page.body)[book_url]

    start, end = future_slot()
    tz = clock.site_tz()
    answer = browser.post(
        book_url,
        {
            **booking_form,
            "date": start.astimezone(tz).date().isoformat(),  # the picker's date, then a start on it
            "start": start.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
            "end": end.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert answer.status == 302, answer.body[:3000]
    booking_url = answer.location
    assert booking_url.startswith(f"{prefix}/bookings/")

    booking = browser.get(booking_url)
    assert booking.status == 200
    assert item.name in booking.body
    assert f"Booked: {item.name}." in booking.body

    mine = browser.get(f"{prefix}/bookings/")
    assert mine.status == 200
    assert f'href="{booking_url}"' in mine.body
    assert item.name in mine.body
