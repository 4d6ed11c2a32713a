"""The top import-time costs of the Lambda handler (`python -X importtime`), median of several runs.

    .venv/bin/python bench/import_costs.py [runs]

Prints the heaviest top-level packages (cumulative) and single modules (self time). The botocore
client is created too (service model loading is part of a cold start, not an import).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import ROOT, env, machine

CODE = (
    "import time; t = time.perf_counter(); import reservations.lambda_app; "
    "from reservations.store.connection import shared_connection; "
    "t2 = time.perf_counter(); shared_connection().client; "
    "print(t2 - t, time.perf_counter() - t2)"
)


def one_run() -> tuple[dict[str, float], dict[str, float], float, float]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CODE],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        check=True,
    )
    packages: dict[str, float] = defaultdict(float)
    modules: dict[str, float] = {}
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative_us, name = line[len("import time:") :].split("|")
        module = name.rstrip()
        modules[module.strip()] = int(self_us) / 1000
        packages[module.strip().split(".")[0]] += int(self_us) / 1000  # each module counted once
    imported, client = map(float, out.stdout.split())
    return packages, modules, imported * 1000, client * 1000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    packages, modules = defaultdict(list), defaultdict(list)
    imports, clients = [], []
    for _ in range(runs):
        p, m, i, c = one_run()
        for k, v in p.items():
            packages[k].append(v)
        for k, v in m.items():
            modules[k].append(v)
        imports.append(i)
        clients.append(c)
    med = {k: statistics.median(v) for k, v in packages.items()}
    med_mod = {k: statistics.median(v) for k, v in modules.items()}
    print(f"machine: {machine()}")
    print(
        f"runs: {runs}; medians. import of reservations.lambda_app {statistics.median(imports):.0f} ms "
        f"(under -X importtime, which adds overhead), then botocore client creation {statistics.median(clients):.0f} ms"
    )
    print("distributions by total import time (sum of their modules' self times):")
    for name, ms in sorted(med.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {ms:7.1f} ms  {name}")
    print("single modules by self time:")
    for name, ms in sorted(med_mod.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {ms:7.1f} ms  {name}")
    print(f"command: .venv/bin/python bench/import_costs.py {runs}")


if __name__ == "__main__":
    main()
