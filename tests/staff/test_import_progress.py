"""A large CSV import with progress (catalogue/import_jobs.py, `/staff/import/<job_id>/`): the
confirm step stores a job, each request of the progress page does a bounded chunk, and the file
is still all or nothing as members see it."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reservations import clock
from reservations.bookings import member as member_bookings
from reservations.catalogue import bulk_import, import_jobs, selectors
from reservations.domain.errors import DomainError
from reservations.store.models import ImportJobRecord, ItemDetailsRecord
from tests.factories import future_slot
from tests.staff.helpers import all_items, catalogue_audit
from tests.staff.moto_speed import moto_copies_a_table_once_per_transaction  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("moto_copies_a_table_once_per_transaction")  # test speed only

COUNT = re.compile(r"Imported ([\d,]+) of ([\d,]+) items")


def big_file(n: int, last: str = "") -> str:
    rows = [f"Chair {k:04d},Furniture,Hall,Seat number {k},30m,4h" for k in range(n - 1)]
    rows.append(last or f"Chair {n - 1:04d},Furniture,Hall,Seat number {n - 1},30m,4h")
    return "name,category,location,description,slot_minutes,max_duration_minutes\n" + "\n".join(rows) + "\n"


def confirm(client, text: str):
    return client.post("/staff/items/import/", {"csv_text": text, "filename": "chairs.csv"})


def bookable() -> list:
    return [i for i in all_items() if i.active]


def nothing_left() -> bool:
    entries = [a for a in catalogue_audit() if a.action in ("items.imported", "item.imported")]
    return all_items() == [] and list(ItemDetailsRecord.scan()) == [] and entries == []


def refused_booking(member, item_id: str) -> bool:
    start, end = future_slot()
    try:
        member_bookings.reservation_create(user_id=member.pk, item_id=item_id, start=start, end=end)
    except DomainError:
        return True
    return False


def job_row(job_id: str) -> ImportJobRecord:
    return ImportJobRecord.get(job_id, consistent_read=True)


def test_a_thousand_items_import_a_chunk_a_request_and_become_bookable_at_once(staff_client, member, dynamo_log):
    r = confirm(staff_client, big_file(1000))
    assert r.status_code == 302 and r["Location"].startswith("/staff/import/")
    assert all_items() == []  # the confirm step stored the file, nothing of it in the items
    url, shown, requests, calls = r["Location"], [], 0, []
    job_id = url.split("/")[3]
    while True:
        dynamo_log.clear()
        page = staff_client.get(url)
        requests += 1
        calls.append(list(dynamo_log.calls))
        text = page.content.decode()
        assert page.status_code == 200
        if "1,000 items imported" in text:
            break
        assert '<meta http-equiv="refresh" content="0">' in text and ">Continue</button>" in text
        shown.append(COUNT.search(text)[1] if COUNT.search(text) else "all")
        assert selectors.items_for_staff() == []  # nothing listed, and the last item written not bookable
        assert refused_booking(member, import_jobs.item_id_for(job_id, int(shown[-1].replace(",", "")) - 1))
        assert requests < 20
    assert shown == [f"{n:,}" for n in range(100, 1001, 100)]  # the count rises a chunk a request
    assert requests == 11  # ten chunks staged, then all activated at once
    # A bounded chunk: the session, the job, its claim, the file, 8 BatchWriteItem, the release.
    assert all(c.count("BatchWriteItem") == 8 and len(c) == 13 for c in calls[:10]), calls[0]
    assert calls[10].count("TransactWriteItems") == 21
    assert len(bookable()) == 1000 and len(list(selectors.items_for_staff())) == 1000
    assert "refresh" not in text and 'href="/staff/items/"' in text
    assert sum(a.action == "item.imported" for a in catalogue_audit()) == 1000
    assert staff_client.get(url).content.decode().count("1,000 items imported") == 1  # done stays done


def test_a_staged_item_cannot_be_booked_until_the_file_is_in(staff_client, member):
    url = confirm(staff_client, big_file(150))["Location"]
    staff_client.get(url)  # 100 of 150 staged
    job_id = url.split("/")[3]
    assert refused_booking(member, import_jobs.item_id_for(job_id, 0))
    while "150 items imported" not in staff_client.get(url).content.decode():
        pass
    assert not refused_booking(member, import_jobs.item_id_for(job_id, 0))


def test_a_thousand_items_failing_on_the_last_row_leave_nothing_and_no_job(staff_client):
    text = big_file(1000, last="Chair 999,Furniture,Hall,,30m,4 hours")
    preview = staff_client.post("/staff/items/import/", {"file": SimpleUploadedFile("c.csv", text.encode())})
    [bad] = [row for row in preview.context["preview"].rows if row.errors]  # the preview gives each line's reasons
    assert preview.status_code == 422 and bad.line == 1001 and "4 hours" in preview.content.decode()
    r = confirm(staff_client, text)  # posted anyway (a tampered page): checked again, refused
    assert r.status_code == 302 and r["Location"] == "/staff/items/import/"
    assert "1 row has errors" in staff_client.get(r["Location"]).content.decode()
    assert nothing_left() and list(ImportJobRecord.scan()) == []


def test_a_small_file_is_imported_in_the_confirming_request(staff_client):
    r = confirm(staff_client, big_file(import_jobs.PROGRESS_ABOVE))
    assert r.status_code == 302 and r["Location"] == "/staff/items/"
    assert len(bookable()) == import_jobs.PROGRESS_ABOVE and list(ImportJobRecord.scan()) == []


def test_a_request_that_loses_the_claim_writes_nothing_and_shows_progress(staff, monkeypatch):
    """Two tabs at once: the second request arrives while the first is writing its chunk."""
    job = import_jobs.start(actor_id=staff.pk, text=big_file(250))
    seen, stage = [], bulk_import.stage

    def staging_with_a_second_tab(items, import_id):
        seen.append(len(items))
        if len(seen) == 1:
            other = import_jobs.advance(job.job_id)  # claim lost: no chunk written, progress shown
            assert (other.status, other.staged) == ("staging", 0)
        return stage(items, import_id)

    monkeypatch.setattr(bulk_import, "stage", staging_with_a_second_tab)
    assert import_jobs.advance(job.job_id).staged == 100
    assert seen == [100]  # one chunk, written once
    monkeypatch.setattr(bulk_import, "stage", stage)
    activate, nested = bulk_import.activate, []

    def activating_with_a_second_tab(*args, **kwargs):
        nested.append(import_jobs.advance(job.job_id).status)  # the activation is claimed too
        return activate(*args, **kwargs)

    monkeypatch.setattr(bulk_import, "activate", activating_with_a_second_tab)
    while import_jobs.advance(job.job_id).running:
        pass
    assert nested == ["activating"] and len(bookable()) == 250


def test_a_store_failure_mid_chunk_answers_503_and_the_job_continues(staff_client, faults):
    url = confirm(staff_client, big_file(250))["Location"]
    faults.fail("BatchWriteItem", "server_error", after=3)  # the 4th batch of the first chunk, every attempt
    assert staff_client.get(url).status_code == 503
    assert bookable() == [] and job_row(url.split("/")[3]).claim is None  # released: anyone may go on
    faults.heal()
    counts = [COUNT.search(staff_client.get(url).content.decode())[1] for _ in range(3)]
    assert counts == ["100", "200", "250"]
    assert "250 items imported" in staff_client.get(url).content.decode()
    assert len(bookable()) == 250 and len(all_items()) == 250


def test_a_store_failure_on_the_first_activation_answers_503_and_the_job_continues(staff, faults):
    job = import_jobs.start(actor_id=staff.pk, text=big_file(150))
    import_jobs.advance(job.job_id), import_jobs.advance(job.job_id)  # staged
    faults.fail("TransactWriteItems", "server_error")
    with pytest.raises(Exception):  # noqa: B017 - the store's error: 503 on the page
        import_jobs.advance(job.job_id)
    assert bookable() == [] and job_row(job.job_id).status == "staging"
    faults.heal()
    assert import_jobs.advance(job.job_id).status == "done" and len(bookable()) == 150


def test_a_store_failure_later_in_the_activation_rolls_everything_back(staff_client, faults):
    url = confirm(staff_client, big_file(250))["Location"]
    for _ in range(3):
        staff_client.get(url)
    faults.fail("TransactWriteItems", "server_error", times=3, after=2)  # the 3rd of 6 transactions
    page = staff_client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "Nothing was imported" in text and "refresh" not in text
    assert "98 of them could be booked for a moment" in text
    assert all_items() == [] and list(ItemDetailsRecord.scan()) == []
    assert sum(a.action == "item.import_undone" for a in catalogue_audit()) == 98  # trails say so
    assert "Nothing was imported" in staff_client.get(url).content.decode()  # failed stays failed


def test_an_abandoned_job_leaves_nothing_bookable_and_resumes_when_opened_again(staff_client):
    url = confirm(staff_client, big_file(350))["Location"]
    staff_client.get(url), staff_client.get(url)  # then the tab is closed
    assert len(all_items()) == 200 and bookable() == [] and selectors.items_for_staff() == []
    while "350 items imported" not in staff_client.get(url).content.decode():
        pass
    assert len(bookable()) == 350


def test_a_job_interrupted_while_activating_is_rolled_back_by_the_next_request(staff, monkeypatch):
    job = import_jobs.start(actor_id=staff.pk, text=big_file(150))
    import_jobs.advance(job.job_id), import_jobs.advance(job.job_id)
    activate = bulk_import.activate

    def killed_after_two_transactions(items, entries, summary, import_id, done, also=None):
        activate(items[:98], entries[:98], summary, import_id, done, also=also)
        raise SystemExit("the Lambda timed out")  # no clean-up runs

    monkeypatch.setattr(bulk_import, "activate", killed_after_two_transactions)
    with pytest.raises(SystemExit):
        import_jobs.advance(job.job_id)
    monkeypatch.setattr(bulk_import, "activate", activate)
    assert import_jobs.advance(job.job_id).status == "activating"  # still claimed: nothing done
    assert len(bookable()) == 98
    later = clock.now() + import_jobs.LEASE * 2
    monkeypatch.setattr(clock, "now", lambda: later)
    state = import_jobs.advance(job.job_id)
    assert (state.status, state.activated) == ("failed", 98) and all_items() == []


def test_the_progress_page_is_for_staff_and_known_jobs(staff, staff_client, member_client):
    job = import_jobs.start(actor_id=staff.pk, text=big_file(150))
    assert member_client.get(f"/staff/import/{job.job_id}/").status_code == 403
    assert staff_client.get("/staff/import/nope/").status_code == 404
    assert staff_client.get(f"/staff/import/{job.job_id}%230/").status_code == 404  # a part row is no job
    assert staff_client.post(f"/staff/import/{job.job_id}/").status_code == 405


def test_a_claim_whose_answer_was_lost_is_still_ours(staff, monkeypatch):
    """botocore retries a claim that was written but whose answer was lost; the retry's condition
    then fails on our own claim: the chunk goes on instead of waiting for the claim to expire."""
    from botocore.exceptions import ClientError
    from pynamodb.exceptions import UpdateError

    job = import_jobs.start(actor_id=staff.pk, text=big_file(150))
    update, lost = ImportJobRecord.update, []

    def written_then_refused(self, *args, **kwargs):
        result = update(self, *args, **kwargs)
        if not lost:
            lost.append(1)
            refused = {"Error": {"Code": "ConditionalCheckFailedException", "Message": "retry"}}
            raise UpdateError("lost", cause=ClientError(refused, "UpdateItem"))
        return result

    monkeypatch.setattr(ImportJobRecord, "update", written_then_refused)
    assert import_jobs.advance(job.job_id).staged == 100 and job_row(job.job_id).claim is None
