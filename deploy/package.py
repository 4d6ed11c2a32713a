"""Build the Lambda zip offline for the stage's runtime and Lambda's platform, add .pyc files, report.

    python3 deploy/package.py [STAGE]        (make package [STAGE=production])

1. The runtime's interpreter: the stage's `runtime` (python3.13) names the Python the package is
   built and compiled with (LAMBDA_PYTHON, else `python3.13` on PATH, else pyenv's). Build output
   lives in .build/ (a dot folder: Zappa's scan for WebSocket handlers skips those, and it would
   otherwise find Zappa's own handler.py in the unpacked package and create a WebSocket API).
2. Two virtualenvs of that Python: `zappa-venv` with requirements-deploy.txt (Zappa, the AWS CLI:
   never in the zip) and `lambda-venv`, whose site-packages pip fills from requirements.txt for
   Lambda's platform only (`--platform manylinux2014_x86_64 --only-binary=:all: --python-version
   3.13 --implementation cp`): a package without a wheel for Lambda fails the build instead of
   being compiled for this machine.
3. The static manifest (original → hashed names), built offline with the hashing the S3 upload uses.
4. `zappa package STAGE` with VIRTUAL_ENV = lambda-venv, fake credentials and every proxy on a
   closed port (a call to AWS would fail the build instead of reaching anything).
5. botocore's models of services the app never calls are removed; the zip is unpacked, compiled
   with the runtime's Python (`--invalidation-mode unchecked-hash`: Zappa drops __pycache__ and
   zips without mtimes, and /var/task is read-only) and zipped again, sorted, with fixed dates.
6. A smoke test (the sign-in page from the unpacked handler), the sizes against Lambda's limits,
   and the cold import of reservations.lambda_app from the unpacked zip in fresh processes.
   `.build/reservations-STAGE.json` records what was built, from which sources (tests reuse a fresh build).
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".build"
MB = 1024 * 1024
ZIPPED_LIMIT, UNZIPPED_LIMIT = 50 * MB, 250 * MB
PLATFORM = "manylinux2014_x86_64"  # Lambda's x86_64 (Amazon Linux 2023: glibc 2.34 >= 2014's 2.17)
SOURCES = ("reservations", "templates", "static", "requirements.txt", "zappa_settings.json", "deploy/package.py")
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


def stage_settings(stage: str) -> dict[str, Any]:
    """A stage of zappa_settings.json with `extends` applied (the child's keys win, as in Zappa)."""
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    own = dict(settings[stage])
    parent = own.pop("extends", None)
    return {**stage_settings(parent), **own} if parent else own


def runtime_python(runtime: str) -> Path:
    """The interpreter of Lambda's `runtime` ("python3.13") on this machine, or a clear refusal."""
    version = runtime.removeprefix("python")
    candidates = [os.environ.get("LAMBDA_PYTHON", ""), shutil.which(f"python{version}") or ""]
    candidates += sorted(str(p) for p in Path.home().glob(f".pyenv/versions/{version}*/bin/python{version}"))
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return Path(candidate)
    raise SystemExit(
        f"no Python {version} on this machine (the stage's runtime is {runtime}): install it, or set LAMBDA_PYTHON"
    )


def venv(name: str, python: Path, requirements: str, *, lambda_platform: bool) -> Path:
    """A virtualenv of `python` with exactly `requirements`, rebuilt when they (or the Python) change."""
    path = BUILD / name
    version = run(python, "-c", "import sys; print(sys.version)").strip()
    digest = hashlib.sha256(f"{version}|{lambda_platform}|{PLATFORM}|".encode() + (ROOT / requirements).read_bytes())
    stamp = path / ".requirements.sha256"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return path
    shutil.rmtree(path, ignore_errors=True)
    pip = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    if lambda_platform:
        run(python, "-m", "venv", "--without-pip", path)
        site_packages = next((path / "lib").glob("python3.*/site-packages"))
        short = version.split()[0].rsplit(".", 1)[0]
        target = ["--target", site_packages, "--platform", PLATFORM, "--only-binary=:all:"]
        target += ["--python-version", short, "--implementation", "cp"]
        run(python, *pip, *target, "-r", requirements)
        shutil.rmtree(site_packages / "bin", ignore_errors=True)  # console scripts: not for Lambda
    else:
        run(python, "-m", "venv", path)
        run(path / "bin" / "python", *pip, "-r", requirements)
    stamp.write_text(digest.hexdigest())
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


# botocore ships the models of every AWS service (about 28 MB unpacked); the app talks to these only
# (SSM's GetParameter is one signed request without a model: reservations/settings.py).
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


def sources_digest() -> str:
    """What the package is built from (not the manifest the build writes, not caches)."""
    digest = hashlib.sha256()
    for name in SOURCES:
        top = ROOT / name
        for path in sorted([top] if top.is_file() else top.rglob("*")):
            parts = path.relative_to(ROOT).parts
            if path.is_file() and "__pycache__" not in parts and "static_manifest" not in parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


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
    """The stage's environment as Lambda sets it, with a SECRET_KEY given directly (no SSM read)."""
    stage_env = dict(stage_settings(stage).get("aws_environment_variables", {}))
    stage_env.pop("SECRET_KEY_PARAMETER", None)
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


def build(stage: str) -> dict[str, Any]:
    """Build the stage's package; returns (and writes to .build/reservations-STAGE.json) what was built."""
    runtime = stage_settings(stage)["runtime"]
    python = runtime_python(runtime)
    old = ROOT / "build"  # where builds went before: Zappa's scan would find its handler.py there
    if (old / "zappa-venv").exists() or (old / "lambda-venv").exists():
        shutil.rmtree(old)
    BUILD.mkdir(exist_ok=True)
    sources = sources_digest()
    zappa_venv = venv("zappa-venv", python, "requirements-deploy.txt", lambda_platform=False)
    lambda_venv = venv("lambda-venv", python, "requirements.txt", lambda_platform=True)
    build_manifest(lambda_venv)
    raw = zappa_package(stage, zappa_venv, lambda_venv)
    final, unzipped = compile_and_rezip(raw, stage, python)
    extensions = sorted(str(p.relative_to(unzipped)) for p in unzipped.rglob("*.so"))
    info = {
        "stage": stage,
        "runtime": runtime,
        "python": str(python),
        "python_version": run(python, "-c", "import platform; print(platform.python_version())").strip(),
        "platform": PLATFORM,
        "zip": str(final),
        "unzipped": str(unzipped),
        "zipped_bytes": final.stat().st_size,
        "unzipped_bytes": unzipped_size(unzipped),
        "pyc_files": sum(1 for _ in unzipped.rglob("*.pyc")),
        "extension_modules": extensions,
        "sources": sources,
    }
    (BUILD / f"reservations-{stage}.json").write_text(json.dumps(info, indent=2))
    return info


def main() -> None:
    stage = sys.argv[1] if len(sys.argv) > 1 else "production"
    info = build(stage)
    unzipped, python = Path(info["unzipped"]), Path(info["python"])
    zipped, full = info["zipped_bytes"], info["unzipped_bytes"]
    print(
        f"built for: Lambda runtime {info['runtime']} (CPython {info['python_version']}, {python}), platform {PLATFORM}"
    )
    print(f"  compiled extensions: {len(info['extension_modules'])} (pip took wheels for {PLATFORM} only)")
    print(
        f"package: {Path(info['zip']).relative_to(ROOT)} ({info['pyc_files']} .pyc files, cpython-{info['python_version'][:4].replace('.', '')})"
    )
    print(f"zipped:   {zipped / MB:6.1f} MB of {ZIPPED_LIMIT // MB} MB ({zipped / ZIPPED_LIMIT:.0%})")
    print(f"unzipped: {full / MB:6.1f} MB of {UNZIPPED_LIMIT // MB} MB ({full / UNZIPPED_LIMIT:.0%})")
    print(smoke(unzipped, python, stage))
    ms = cold_import_ms(unzipped, python, stage)
    print(
        f"cold import of reservations.lambda_app from {unzipped.relative_to(ROOT)}: {ms:.0f} ms (median of 7, {info['runtime']})"
    )
    if zipped > ZIPPED_LIMIT or full > UNZIPPED_LIMIT:
        raise SystemExit("the package is over Lambda's limits")


if __name__ == "__main__":
    main()
