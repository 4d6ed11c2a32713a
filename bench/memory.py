"""Memory: peak RSS of one handler process serving 1,000 mixed requests in-process (as one Lambda
instance would), against the local DynamoDB server process, and the RSS growth between the 500th
and the 1,000th request.

    .venv/bin/python bench/memory.py [requests] [--reads-only]

--reads-only replaces the booking POST by a catalogue page: the data then stays the same size, so
any growth left is the process's own.

The mix, per 10 requests: 3 catalogue pages, 2 item pages, 1 booking page, 1 my bookings,
1 booking (POST), 1 anonymous sign-in page, 1 /api/v1/items request (with the session).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import ROOT, env, event, localdb, machine, seed, setup_django
from warm_cpu import booking_events

CHILD = """
import json, sys
def rss_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
import reservations.lambda_app as app
cfg = json.loads(sys.stdin.read())
marks, statuses = {}, {}
for i in range(cfg["n"]):
    ev = cfg["mix"][i % len(cfg["mix"])]
    if ev == "BOOK":
        ev = cfg["bookings"][i // len(cfg["mix"])]
    r = app.handler(ev, None)
    statuses[r["statusCode"]] = statuses.get(r["statusCode"], 0) + 1
    if i + 1 in (1, 100) or (i + 1) % 250 == 0 or i + 1 == cfg["n"]:
        marks[i + 1] = rss_kb("VmRSS:")
print(json.dumps({"marks": marks, "peak_kb": rss_kb("VmHWM:"), "statuses": statuses}))
"""


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    reads_only = "--reads-only" in sys.argv
    n = int(args[0]) if args else 1000
    with localdb() as endpoint:
        setup_django(endpoint)
        data = seed(items=12)
        from reservations.bookings.member import reservation_create
        from tests.factories import future_slot

        start, end = future_slot(days=1, hours=1)
        booked = reservation_create(user_id=data["user_id"], item_id=data["items"][0], start=start, end=end)
        s, items = data["session"], data["items"]
        mix = [
            event("/", session=s),
            event(f"/items/{items[1]}/", session=s),
            event("/?category=Cat%201", session=s),
            event(f"/bookings/{booked.reservation_id}/", session=s),
            event("/bookings/", session=s),
            event("/", session=s) if reads_only else "BOOK",
            event("/", session=s),
            event("/accounts/sign-in/"),
            event(f"/items/{items[2]}/", session=s),
            event("/api/v1/items", session=s),
        ]
        bookings = booking_events(s, items, 3, n // len(mix) + 1)
        cfg = {"n": n, "mix": mix, "bookings": bookings}
        out = subprocess.run(
            [sys.executable, "-c", CHILD],
            input=json.dumps(cfg),
            cwd=ROOT,
            env=env(DYNAMODB_ENDPOINT_URL=endpoint),
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        result = json.loads(out.stdout.strip().splitlines()[-1])
    marks = {int(k): v / 1024 for k, v in result["marks"].items()}
    print(f"machine: {machine()}")
    print(f"requests: {n} in one process; statuses {result['statuses']}")
    print("RSS (MB) after request " + ", ".join(f"{k}: {v:.1f}" for k, v in sorted(marks.items())))
    print(f"peak RSS (VmHWM): {result['peak_kb'] / 1024:.1f} MB (target < 150 MB)")
    print(f"growth from request 500 to {n}: {marks[n] - marks[500]:+.1f} MB (target: none)")
    print(f"command: .venv/bin/python bench/memory.py {n}{' --reads-only' if reads_only else ''}")


if __name__ == "__main__":
    main()
