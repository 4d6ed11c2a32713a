"""A fresh Lambda package for the deploy tests: deploy/package.py's build, reused while its sources
are unchanged. These tests build a package (about a minute, more on a clean machine) and run by
`make package-test` (.ci/run); elsewhere they skip, saying how to run them."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENABLED = os.environ.get("PACKAGE_TESTS") == "1"
SKIP_REASON = "builds the Lambda package: run with `make package-test` (PACKAGE_TESTS=1), as .ci/run does"


def package_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_package", ROOT / "deploy" / "package.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def fresh_build(stage: str) -> dict[str, Any]:
    """The stage's build info (deploy/package.py), building it first unless a build of these sources exists.
    No Python of the runtime's version on this machine: the test is skipped, loudly, with the reason."""
    if not ENABLED:
        pytest.skip(SKIP_REASON)
    package = package_module()
    runtime = package.stage_settings(stage)["runtime"]
    try:
        package.runtime_python(runtime)
    except SystemExit as missing:
        message = f"NOT TESTED: {missing} — the Lambda package cannot be built or run here"
        sys.stderr.write(f"\n*** {message} ***\n")
        pytest.skip(message)
    info_path = package.BUILD / f"reservations-{stage}.json"
    if info_path.exists():
        info = json.loads(info_path.read_text())
        if info["sources"] == package.sources_digest() and Path(info["zip"]).exists():
            return info
    return package.build(stage)
