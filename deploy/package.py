"""Build the Lambda zip offline with Zappa's package step, add .pyc files, print its size.

    python3 deploy/package.py [STAGE]        (make package [STAGE=production])

1. Two build virtualenvs under build/: `lambda-venv` with requirements.txt only (what the zip
   ships: no test or dev dependencies) and `zappa-venv` with requirements-deploy.txt (Zappa and
   its own dependencies, which must not end up in the zip).
2. The static manifest (original → hashed names) is built offline with the same hashing the S3
   upload uses, into reservations/static_manifest/, which the zip carries (see staticstorage.py).
3. `zappa package STAGE` with VIRTUAL_ENV pointing at lambda-venv. It needs no AWS account: fake
   credentials are set and every HTTP(S) proxy points at a closed port, so a call to AWS would fail
   the build instead of reaching anything.
4. botocore's models of services the app never calls are removed (BOTOCORE_SERVICES).
   Zappa drops __pycache__ and zips files without their mtimes, so the zip is unpacked, compiled
   with `compileall --invalidation-mode unchecked-hash` (a .pyc that is never checked against
   its source's mtime; /var/task is read-only, so Lambda could not write them itself) and zipped
   again, sorted, with fixed dates.
   A smoke test then asks the unpacked handler for the sign-in page (no AWS request needed).
5. The sizes against Lambda's limits (50 MB zipped for a direct upload, 250 MB unzipped), and
   the cold import of reservations.lambda_app from the unpacked zip in fresh processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
MB = 1024 * 1024
ZIPPED_LIMIT, UNZIPPED_LIMIT = 50 * MB, 250 * MB
OFFLINE_ENV = {
    "AWS_ACCESS_KEY_ID": "offline-build",
    "AWS_SECRET_ACCESS_KEY": "offline-build",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
    # Anything that tries the network through botocore or requests meets a closed port.
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> str:
    out = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"failed: {' '.join(str(a) for a in args)}")
    return out.stdout


def venv(name: str, requirements: str) -> Path:
    """A virtualenv with exactly `requirements`, rebuilt when the file changes."""
    path = BUILD / name
    digest = hashlib.sha256((ROOT / requirements).read_bytes()).hexdigest()
    stamp = path / ".requirements.sha256"
    if stamp.exists() and stamp.read_text() == digest:
        return path
    shutil.rmtree(path, ignore_errors=True)
    run(sys.executable, "-m", "venv", path)
    run(path / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements)
    stamp.write_text(digest)
    return path


def build_manifest(lambda_venv: Path) -> None:
    env = {**os.environ, "APP_ENV": "local", "STATIC_MANIFEST": "1", "DJANGO_SETTINGS_MODULE": "reservations.settings"}
    env.pop("STATIC_BUCKET", None)
    run(lambda_venv / "bin" / "python", "manage.py", "collectstatic", "--noinput", "--clear", "-v", "0", env=env)
    assert (ROOT / "reservations" / "static_manifest" / "staticfiles.json").exists()


def zappa_package(stage: str, zappa_venv: Path, lambda_venv: Path) -> Path:
    raw = BUILD / f"zappa-{stage}.zip"
    raw.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(OFFLINE_ENV)
    env["VIRTUAL_ENV"] = str(lambda_venv)  # Zappa copies this venv's site-packages into the zip
    env["PATH"] = f"{zappa_venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    run(zappa_venv / "bin" / "zappa", "package", stage, "-o", raw, env=env)
    return raw


# botocore ships the models of every AWS service (about 28 MB unpacked); the app talks to these only.
# (IAM forbids every other service anyway: deploy/iam-policy.json.)
BOTOCORE_SERVICES = {"dynamodb", "s3", "ses", "sts"}


def prune_botocore(unzipped: Path) -> int:
    removed = 0
    for service in (unzipped / "botocore" / "data").iterdir():
        if service.is_dir() and service.name not in BOTOCORE_SERVICES:
            shutil.rmtree(service)
            removed += 1
    return removed


def compile_and_rezip(raw: Path, stage: str, python: Path) -> tuple[Path, Path]:
    unzipped = BUILD / f"reservations-{stage}"
    shutil.rmtree(unzipped, ignore_errors=True)
    with zipfile.ZipFile(raw) as z:
        z.extractall(unzipped)
    prune_botocore(unzipped)
    run(python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", unzipped)
    final = BUILD / f"reservations-{stage}.zip"
    final.unlink(missing_ok=True)
    with zipfile.ZipFile(final, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in sorted(p for p in unzipped.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(path.relative_to(unzipped)), date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = 0o755 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes(), compresslevel=9)
    return final, unzipped


def unzipped_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


COLD_IMPORT = "import time; t = time.perf_counter(); import reservations.lambda_app; print(time.perf_counter() - t)"


def cold_import_ms(unzipped: Path, python: Path, stage: str, runs: int = 7) -> float:
    """Median import time of the handler module in fresh processes, from the unpacked zip only."""
    env = package_env(unzipped, stage)
    times = []
    for _ in range(runs):
        # -S: no site-packages of the build machine; only the unpacked zip and the standard library
        out = run(python, "-S", "-c", COLD_IMPORT, env=env, cwd=unzipped)
        times.append(float(out.strip().splitlines()[-1]) * 1000)
    return statistics.median(times)


SMOKE = """
import json, reservations.lambda_app as app
event = {"version": "2.0", "routeKey": "$default", "rawPath": "/accounts/sign-in/", "rawQueryString": "",
         "headers": {"host": HOST, "x-forwarded-proto": "https"},
         "requestContext": {"domainName": HOST, "stage": "$default",
                            "http": {"method": "GET", "path": "/accounts/sign-in/", "protocol": "HTTP/1.1",
                                     "sourceIp": "198.51.100.7"}},
         "isBase64Encoded": False}
response = app.handler(event, None)
body = response["body"]
assert response["statusCode"] == 200, response
assert "Sign in" in body and "csrfmiddlewaretoken" in body, body[:500]
print("smoke: GET /accounts/sign-in/ ->", response["statusCode"])
"""


def package_env(unzipped: Path, stage: str) -> dict[str, str]:
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    stage_env: dict[str, str] = {}
    for name in (settings[stage].get("extends"), stage):
        if name:
            stage_env.update(settings[name].get("aws_environment_variables", {}))
    return {
        "PATH": os.environ.get("PATH", ""),
        **OFFLINE_ENV,
        **stage_env,
        "SECRET_KEY": "cold-import-measurement-" + "x" * 40,
        "PYTHONPATH": str(unzipped),
        "DJANGO_SETTINGS_MODULE": "reservations.settings",
    }


def smoke(unzipped: Path, python: Path, stage: str) -> str:
    env = package_env(unzipped, stage)
    host = env["ALLOWED_HOSTS"].split(",")[0]
    return run(python, "-S", "-c", f"HOST = {host!r}\n" + SMOKE, env=env, cwd=unzipped).strip()


def main() -> None:
    stage = sys.argv[1] if len(sys.argv) > 1 else "production"
    BUILD.mkdir(exist_ok=True)
    lambda_venv = venv("lambda-venv", "requirements.txt")
    zappa_venv = venv("zappa-venv", "requirements-deploy.txt")
    build_manifest(lambda_venv)
    raw = zappa_package(stage, zappa_venv, lambda_venv)
    python = lambda_venv / "bin" / "python"
    final, unzipped = compile_and_rezip(raw, stage, python)
    zipped, full = final.stat().st_size, unzipped_size(unzipped)
    pycs = sum(1 for _ in unzipped.rglob("*.pyc"))
    print(f"package: {final.relative_to(ROOT)} ({pycs} .pyc files)")
    print(f"zipped:   {zipped / MB:6.1f} MB of {ZIPPED_LIMIT // MB} MB ({zipped / ZIPPED_LIMIT:.0%})")
    print(f"unzipped: {full / MB:6.1f} MB of {UNZIPPED_LIMIT // MB} MB ({full / UNZIPPED_LIMIT:.0%})")
    print(smoke(unzipped, python, stage))
    print(
        f"cold import of reservations.lambda_app from {unzipped.relative_to(ROOT)}: {cold_import_ms(unzipped, python, stage):.0f} ms (median of 7)"
    )
    if zipped > ZIPPED_LIMIT or full > UNZIPPED_LIMIT:
        raise SystemExit("the package is over Lambda's limits")


if __name__ == "__main__":
    main()
