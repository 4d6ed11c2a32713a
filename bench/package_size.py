"""Size of the Lambda package, approximated: the runtime requirements (requirements.txt) installed into
an empty folder, plus the project's code, templates and static files, every module compiled to .pyc;
unzipped and zipped (deflate, level 9) against Lambda's limits (50 MB zipped for a direct upload,
250 MB unzipped). The final figure comes from `make package` (issue 5, Zappa), which may add or drop
files; this measures what that package must contain.

    .venv/bin/python bench/package_size.py
"""

from __future__ import annotations

import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import ROOT, machine

PROJECT = ["reservations", "templates", "static", "manage.py"]

# What the Lambda never loads (a proposal for `make package`'s exclude_glob; the smoke test below
# serves pages from the trimmed package, so a wrong exclusion fails this script):
# - botocore's models of ~400 other AWS services (only dynamodb and the endpoint/partition files);
# - Django's translations (USE_I18N is off; en and en_GB formats stay) and contrib apps not installed.
UNUSED_DJANGO_APPS = [
    "admin",
    "admindocs",
    "flatpages",
    "gis",
    "humanize",
    "postgres",
    "redirects",
    "sitemaps",
    "syndication",
]


def trim(target: Path) -> None:
    data = target / "botocore" / "data"
    for entry in data.iterdir():
        if entry.is_dir() and entry.name != "dynamodb":
            shutil.rmtree(entry)
    for app in UNUSED_DJANGO_APPS:
        shutil.rmtree(target / "django" / "contrib" / app, ignore_errors=True)
    for locale in (target / "django").rglob("locale"):
        if not locale.is_dir():
            continue
        for entry in locale.iterdir():
            if entry.is_dir() and entry.name not in ("en", "en_GB"):
                shutil.rmtree(entry)
    for catalog in target.rglob("LC_MESSAGES"):
        shutil.rmtree(catalog)


SMOKE = """
import json, sys, time
t = time.perf_counter()
import reservations.lambda_app as app
assert "site-packages" not in " ".join(sys.path), sys.path
imported = time.perf_counter() - t
for ev in json.loads(sys.stdin.read()):
    r = app.handler(ev, None)
    assert r["statusCode"] == 200, (ev["rawPath"], r["statusCode"], r["body"][:500])
print(imported)
"""


def smoke(target: Path) -> float:
    """Serve pages from the package alone (no site-packages), against the local DynamoDB server."""
    import json

    from _harness import env, event, localdb, seed, setup_django

    with localdb() as endpoint:
        setup_django(endpoint)
        data = seed(items=12)
        events = [
            event("/", session=data["session"]),
            event(f"/items/{data['items'][0]}/", session=data["session"]),
            event("/bookings/", session=data["session"]),
            event("/accounts/password/", session=data["session"]),
            event("/accounts/sign-in/"),
        ]
        out = subprocess.run(
            [sys.executable, "-S", "-c", SMOKE],
            input=json.dumps(events),
            cwd=target,
            env={**env(DYNAMODB_ENDPOINT_URL=endpoint), "PYTHONPATH": str(target)},
            capture_output=True,
            text=True,
        )
    if out.returncode:
        raise SystemExit("the package does not serve pages:\n" + out.stderr[-3000:])
    return float(out.stdout.strip().splitlines()[-1])


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def sizes(target: Path, archive: Path) -> tuple[int, int]:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for root, _, files in os.walk(target):
            for f in files:
                path = Path(root) / f
                zf.write(path, path.relative_to(target))
    return folder_size(target), archive.stat().st_size


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "package"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-compile",
                "--target",
                str(target),
                "-r",
                str(ROOT / "requirements.txt"),
            ],
            check=True,
        )
        deps = folder_size(target)
        for name in PROJECT:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, target / name)
        compileall.compile_dir(target, quiet=1, legacy=False)
        full = sizes(target, Path(tmp) / "full.zip")
        biggest = sorted(((folder_size(p), p.name) for p in target.iterdir() if p.is_dir()), reverse=True)[:4]
        trim(target)
        trimmed = sizes(target, Path(tmp) / "trimmed.zip")
        import_seconds = smoke(target)
    mb = 1024 * 1024
    print(f"machine: {machine()}")
    print(f"runtime requirements installed: {deps / mb:.1f} MB (no .pyc)")
    print(
        f"everything, with .pyc:  unzipped {full[0] / mb:5.1f} MB (limit 250), zipped {full[1] / mb:5.1f} MB (target < 25, limit 50)"
    )
    print(f"trimmed, with .pyc:     unzipped {trimmed[0] / mb:5.1f} MB, zipped {trimmed[1] / mb:5.1f} MB")
    print("largest folders before trimming: " + ", ".join(f"{name} {size / mb:.1f} MB" for size, name in biggest))
    print(
        f"smoke test: the trimmed package alone serves catalogue, item, my bookings, password and sign-in pages "
        f"(handler import from it: {import_seconds * 1000:.0f} ms, one run)"
    )
    print("command: .venv/bin/python bench/package_size.py")


if __name__ == "__main__":
    main()
