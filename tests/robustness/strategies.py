"""Hostile form values for the hypothesis tests of every page form: extreme dates and times (years 1
and 9999, the edges of the site's range, DST gaps), huge and negative numbers, and unicode (lone
surrogates, control characters, right-to-left marks, 10,000-character strings)."""

from __future__ import annotations

from hypothesis import strategies as st

DATETIMES = st.one_of(
    st.sampled_from(
        [
            "0001-01-01T00:00",
            "0001-01-01T00:30",
            "9999-12-31T23:59",
            "9999-12-31 23:00",
            "1999-12-31T23:59",
            "2000-01-01T00:00",
            "2199-12-31T23:59",
            "2200-01-01T00:00",
            "2026-03-29T02:30",  # the clocks go forward: this local time does not exist
            "2026-10-25T02:30",  # ... and back: this one happens twice
            "2026-12-02T10:00",
            "2026-12-02T11:00",
            "2026-12-01T10:00+05:00",
        ]
    ),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)
DATES = st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31", "1999-12-31", "2000-01-01", "2199-12-31", "2200-01-01", "2026-02-30"]),
    st.dates().map(lambda d: d.isoformat()),
)
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.integers(-5, 600).map(str),
    st.sampled_from(["1e309", "NaN", "-0", "9" * 400, "0x10", " 30 ", "\uff13\uff10"]),
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(categories=["Cc", "Cs", "Cf"]), min_size=1, max_size=5),
    st.tuples(st.text(max_size=5), st.characters(categories=["Cs", "Cc"]), st.text(max_size=5)).map("".join),
    st.sampled_from(["x" * 10_000, "\u202eevil", "\ud800", "a\x00b", "line\r\nbreak", " ", "member@example.com"]),
)
ANY = st.one_of(DATETIMES, DATES, NUMBERS, TEXT)


def fields(**strategies: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, str]]:
    """A form with some of its fields, each from its own strategy or anything at all."""
    return st.fixed_dictionaries({}, optional={name: st.one_of(s, ANY) for name, s in strategies.items()})
