"""The slot grid: where bookings of an item may start and end, in the site's local time.

The grid is every `slot_minutes`, counted from `slot_origin_minutes` after local midnight (whole-day
slots: local midnight). Its points are wall-clock times, so a DST night can remove one (02:00 does
not exist when the clocks go from 02:00 to 03:00): the aligning functions step over those.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from .policy import DAY_MINUTES, Policy


def _step(policy: Policy) -> int:
    return DAY_MINUTES if policy.whole_days else policy.slot_minutes


def _origin(policy: Policy) -> int:
    return 0 if policy.whole_days else policy.slot_origin_minutes


def is_aligned(moment: datetime, policy: Policy, tz: tzinfo) -> bool:
    local = moment.astimezone(tz)
    if local.second or local.microsecond:
        return False
    minute_of_day = local.hour * 60 + local.minute
    if policy.whole_days:
        return minute_of_day == 0
    return (minute_of_day - _origin(policy)) % policy.slot_minutes == 0


def duration_minutes(start: datetime, end: datetime, policy: Policy, tz: tzinfo) -> int:
    """Length in minutes; whole-day items count local calendar days (a DST day is still one day)."""
    if policy.whole_days:
        days = (end.astimezone(tz).date() - start.astimezone(tz).date()).days
        return days * DAY_MINUTES
    return int((end - start).total_seconds() // 60)


def add_minutes(start: datetime, minutes: int, policy: Policy, tz: tzinfo) -> datetime:
    """start + minutes, in local calendar days for whole-day items."""
    if policy.whole_days:
        local = start.astimezone(tz)
        target = (local.replace(tzinfo=None) + timedelta(minutes=minutes)).replace(tzinfo=tz)
        return target.astimezone(UTC)
    return start + timedelta(minutes=minutes)


def _exists(candidate: datetime, tz: tzinfo) -> datetime | None:
    """The UTC moment of a naive local wall-clock time, or None when a DST change skips it."""
    utc = candidate.replace(tzinfo=tz).astimezone(UTC)
    return utc if utc.astimezone(tz).replace(tzinfo=None) == candidate else None


def align_down(moment: datetime, policy: Policy, tz: tzinfo) -> datetime:
    """The latest grid point at or before `moment`."""
    if _near_a_change(moment, policy, tz):
        return _nearest(moment, policy, tz, up=False)
    local = moment.astimezone(tz).replace(second=0, microsecond=0, tzinfo=None)
    candidate = _floor_wall(local, policy)
    while True:
        utc = _exists(candidate, tz)
        if utc is not None and utc <= moment:
            return utc
        candidate -= timedelta(minutes=_step(policy))


def align_up(moment: datetime, policy: Policy, tz: tzinfo) -> datetime:
    """The earliest grid point at or after `moment`."""
    if _near_a_change(moment, policy, tz):
        return _nearest(moment, policy, tz, up=True)
    down = align_down(moment, policy, tz)
    if down >= moment:
        return down
    candidate = down.astimezone(tz).replace(tzinfo=None)
    while True:
        candidate += timedelta(minutes=_step(policy))
        utc = _exists(candidate, tz)
        if utc is not None and utc >= moment:
            return utc


# Around a DST change the wall clock is not monotonic: the night the clocks go back, 02:00 and 02:30
# happen twice (02:30 summer time, then 02:00 winter time an hour later), and both are on the grid.
# Within a few hours of a change (wider than any DST shift) the aligning functions list every
# moment each grid time names and pick from those; elsewhere they step the wall clock (fast).
_NEAR = timedelta(hours=3)


def _floor_wall(local: datetime, policy: Policy) -> datetime:
    """The latest wall-clock grid time at or before a naive local time."""
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    step, origin = _step(policy), _origin(policy)
    minute_of_day = 0 if policy.whole_days else (local.hour * 60 + local.minute)
    return midnight + timedelta(minutes=origin + (minute_of_day - origin) // step * step)


def _near_a_change(moment: datetime, policy: Policy, tz: tzinfo) -> bool:
    if policy.whole_days:
        return False
    reach = _NEAR + timedelta(minutes=policy.slot_minutes)
    return (moment - reach).astimezone(tz).utcoffset() != (moment + reach).astimezone(tz).utcoffset()


def _nearest(moment: datetime, policy: Policy, tz: tzinfo, *, up: bool) -> datetime:
    """The grid point nearest `moment` on one side, from the moments around it; the window widens
    when a skipped hour took the only grid time in it (a 4-hour grid whose 02:00 the clocks skip)."""
    slots = 1
    while True:
        around = _instants_around(moment, policy, tz, slots)
        if up and (later := [u for u in around if u >= moment]):
            return min(later)
        if not up and (earlier := [u for u in around if u <= moment]):
            return max(earlier)
        slots *= 2


def _instants_around(moment: datetime, policy: Policy, tz: tzinfo, slots: int = 1) -> list[datetime]:
    """Every moment a grid time names, from well before `moment` to well after it (sub-day grids)."""
    step = timedelta(minutes=policy.slot_minutes)
    local = moment.astimezone(tz).replace(tzinfo=None)
    wall, last = _floor_wall(local - _NEAR - step * slots, policy), local + _NEAR + step * slots
    out: list[datetime] = []
    while wall <= last:
        for fold in (0, 1):
            utc = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
            if utc.astimezone(tz).replace(tzinfo=None) == wall and utc not in out:
                out.append(utc)
        wall += step
    return out


def starts_on(day: date, policy: Policy, tz: tzinfo) -> list[datetime]:
    """Every grid point of a local day, in order (the day the clocks go forward has fewer; the day they
    go back has the repeated hour's points twice, as two different moments)."""
    first = align_up(datetime.combine(day, datetime.min.time(), tzinfo=tz), policy, tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    out = []
    point = first
    while point < end:
        out.append(point)
        point = align_up(point + timedelta(minutes=1), policy, tz)
    return out


def lengths(policy: Policy) -> list[int]:
    """Every allowed length in minutes, shortest first (whole slots from the minimum to the maximum)."""
    step = _step(policy)
    return list(range(policy.min_duration_minutes, policy.max_duration_minutes + 1, step))


def example(policy: Policy) -> str:
    """A window the grid and the lengths accept, for messages: "09:00 to 13:00" (from the grid's
    opening time when it has one, else from 10:00 or the first grid point after it, within the day
    when the shortest booking fits)."""
    if policy.whole_days:
        days = policy.min_duration_minutes // DAY_MINUTES
        return "from midnight to midnight" + ("" if days == 1 else f", {days} days later")
    step, length = policy.slot_minutes, policy.min_duration_minutes
    points = sorted((_origin(policy) + k * step) % DAY_MINUTES for k in range(DAY_MINUTES // step))
    earliest = _origin(policy) or 600
    start = next((p for p in points if p >= earliest and p + length <= DAY_MINUTES), None)
    if start is None:
        start = next((p for p in points if p + length <= DAY_MINUTES), points[0])
    days_later, end = divmod(start + length, DAY_MINUTES)
    later = "" if not days_later else " the next day" if days_later == 1 else f", {days_later} days later"
    return f"{_clock(start)} to {_clock(end)}{later}"


def _clock(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"
