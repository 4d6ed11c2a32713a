"""Staff CSV import: upload → preview (every row, with its errors; nothing written) → confirm →
written in the confirming request (up to import_jobs.PROGRESS_ABOVE items) or, for a larger file,
a chunk per request of its progress page (catalogue/import_jobs.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from reservations.catalogue import csv_import, import_jobs
from reservations.domain.errors import DomainError

from .forms import ImportConfirmForm, ImportUploadForm
from .permissions import staff_required


@require_http_methods(["GET", "POST"])
@staff_required
def item_import(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "csv_text" in request.POST:
        return _confirm(request)
    upload = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload.is_valid():
        return _preview_page(request, upload, upload.cleaned_data["file"], request.FILES["file"].name)
    context = {"form": upload, "max_items": csv_import.MAX_IMPORT_ITEMS}
    return render(request, "staff/item_import.html", context, status=422 if upload.errors else 200)


def _preview_page(request: HttpRequest, upload: ImportUploadForm, text: str, filename: str) -> HttpResponse:
    """Every row with its errors (nothing written), and the confirm button if the file may be imported."""
    preview = csv_import.import_preview(text)
    too_many = len(preview.rows) > csv_import.MAX_IMPORT_ITEMS
    context: dict[str, Any] = {
        "form": upload,
        "max_items": csv_import.MAX_IMPORT_ITEMS,
        "preview": preview,
        "too_many": too_many,
        "columns": csv_import.IMPORT_COLUMNS,
        "confirm": ImportConfirmForm(initial={"csv_text": text, "filename": filename}),
    }
    return render(request, "staff/item_import.html", context, status=200 if preview.ok and not too_many else 422)


def _confirm(request: HttpRequest) -> HttpResponse:
    confirm = ImportConfirmForm(request.POST)
    if not confirm.is_valid():  # larger than an upload may be: refused before it is parsed
        problems = " ".join(str(m) for field in confirm.errors.values() for m in field)
        messages.error(request, f"Nothing was imported: {problems}")
        return redirect("staff:item_import")
    d, actor_id = confirm.cleaned_data, str(request.user.pk)
    try:
        if csv_import.row_count(d["csv_text"]) > import_jobs.PROGRESS_ABOVE:
            job = import_jobs.start(actor_id=actor_id, text=d["csv_text"], filename=d["filename"])
            return redirect("staff:import_progress", job_id=job.job_id)
        result = csv_import.import_items(actor_id=actor_id, text=d["csv_text"], filename=d["filename"])
    except DomainError as error:
        messages.error(request, error.message)  # each line's reasons were on the preview
        return redirect("staff:item_import")
    count = len(result.items)
    messages.success(request, f"Imported {count} item{'s' if count != 1 else ''}.")
    return redirect("staff:items")


@require_GET
@staff_required
def import_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    """Does the import's next chunk (if no other request is doing it), then shows how far it is:
    the page reloads itself until the import is done or failed."""
    try:
        job = import_jobs.advance(job_id)
    except DomainError as error:
        if error.code == "not_found":
            raise Http404(error.message) from None
        raise
    return render(request, "staff/import_progress.html", {"job": job})
