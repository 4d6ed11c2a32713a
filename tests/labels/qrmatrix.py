"""Read a QR code's modules back from the SVG segno drew (its one path: "M x y", "m dx dy", "h n"),
to compare a page's QR with segno's own code for the URL the label should carry. No QR decoder is
available offline; equal module matrices (same version, error level, mask) mean the same data."""

from __future__ import annotations

import re

PATH = re.compile(r'<path[^>]* d="([^"]+)"')
STEP = re.compile(r"([Mmh])\s*(-?\d+(?:\.\d+)?)(?:\s+(-?\d+(?:\.\d+)?))?")


def dark_modules(svg: str) -> set[tuple[int, int]]:
    """(row, column) of every dark module drawn by the SVG's path, border included."""
    [d] = PATH.findall(svg)
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for op, a, b in STEP.findall(d):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for col in range(int(x), int(x + float(a))):
                dark.add((int(y), col))
            x += float(a)
    return dark


def expected_modules(url: str, *, border: int) -> set[tuple[int, int]]:
    """The dark modules of segno's QR code for `url` (error level M), shifted by the quiet zone."""
    import segno

    matrix = segno.make(url, error="m").matrix
    return {(r + border, c + border) for r, row in enumerate(matrix) for c, v in enumerate(row) if v & 1}
