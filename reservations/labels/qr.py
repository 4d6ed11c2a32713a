"""QR codes of scan addresses, as inline SVG. segno (pure Python) is imported here, when a label is
drawn, and nowhere else: the Lambda's cold start and every other page never load it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BORDER = 2  # modules of quiet zone around the code (the label's margin adds to it)
SCALE = 3  # SVG user units per module; the CSS sets the printed size


def scan_url(item_id: str) -> str:
    """The item's scan address, absolute: the site's public address (SITE_URL, as in emails)."""
    return settings.SITE_URL.rstrip("/") + reverse("labels:scan", kwargs={"item_id": item_id})


def svg(url: str) -> SafeString:
    """The QR code of `url` (error correction M: a worn label still scans) as an <svg> element with
    role="img" and the URL as its accessible name. segno escapes the title; the aria-label is ours."""
    import segno  # lazy: see the module docstring

    code = segno.make(url, error="m")
    drawn = code.svg_inline(scale=SCALE, border=BORDER, omitsize=True, svgclass="qr", lineclass=None)
    name = escape(f"QR code: {url}")
    return mark_safe(drawn.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1))  # noqa: S308
