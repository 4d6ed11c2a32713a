"""The README's deploy guide as a script, run against a moto server process (see test_rehearsal.py).

Every ```sh block of "## Deploy to AWS" runs verbatim, in order, in one bash shell (so variables
carry from block to block), from the repository's root. Four commands are shell functions there:
`zappa` is Zappa's CLI through tests/deploy/zappa_driver.py with a copy of zappa_settings.json (the
repository's file is never written); `python deploy/configure.py` gets that copy too; `make package`
reuses the build the test made; `aws cloudformation deploy` of deploy/stack.yaml becomes
create-stack/update-stack of the template moto can create (moto's change sets produce no outputs).
"""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION, END, TEARDOWN = "## Deploy to AWS", "### What the rehearsal plays", "### Deleting a stage"

FUNCTIONS = r"""
zappa() { "$ZAPPA_PY" "$ROOT/tests/deploy/zappa_driver.py" "$@" -s "$REHEARSAL_DIR/zappa_settings.json"; }
python() {
  if [ "$1" = deploy/configure.py ]; then "$ZAPPA_PY" "$@" --settings "$REHEARSAL_DIR/zappa_settings.json";
  else "$ZAPPA_PY" "$@"; fi
}
make() { if [ "$1" = package ]; then echo "rehearsal: make $* (built by the test)"; else command make "$@"; fi; }
aws() {
  if [ "$1 $2" = "cloudformation deploy" ]; then "$ZAPPA_PY" "$REHEARSAL_DIR/cfn_deploy.py" "${@:3}";
  else "$ROOT/.build/zappa-venv/bin/aws" "$@"; fi
}
"""

CFN_DEPLOY = """
import subprocess, sys
args, i, params, name = sys.argv[1:], 0, [], None
while i < len(args):
    if args[i] == "--stack-name":
        name = args[i + 1]; i += 2
    elif args[i] == "--parameter-overrides":
        i += 1
        while i < len(args) and not args[i].startswith("--"):
            key, value = args[i].split("=", 1); params.append(f"ParameterKey={key},ParameterValue={value}"); i += 1
    else:
        i += 1  # --template-file deploy/stack.yaml (played by the moto template), --capabilities
aws = [AWS]
exists = subprocess.run(aws + ["cloudformation", "describe-stacks", "--stack-name", name], capture_output=True).returncode == 0
verb = "update" if exists else "create"
subprocess.run(aws + ["cloudformation", f"{verb}-stack", "--stack-name", name, "--template-body", "file://" + TEMPLATE,
                      "--capabilities", "CAPABILITY_NAMED_IAM", "--parameters", *params], check=True, stdout=subprocess.DEVNULL)
subprocess.run(aws + ["cloudformation", "wait", f"stack-{verb}-complete", "--stack-name", name], check=True)
print(f"Successfully created/updated stack - {name} (rehearsal: {verb}-stack)")
"""


def guide_blocks() -> tuple[list[str], list[str]]:
    """The sh blocks of the deploy guide: (deploying, deleting the stage)."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index(SECTION) : readme.index(END)]
    head, tail = section.split(TEARDOWN, 1)
    pattern = re.compile(r"^ *```sh\n(.*?)^ *```", re.S | re.M)
    dedent = lambda block: "\n".join(line[3:] if line.startswith("   ") else line for line in block.splitlines())  # noqa: E731
    return [dedent(b) for b in pattern.findall(head)], [dedent(b) for b in pattern.findall(tail)]


def script(blocks: list[str], *, keep_variables: Path | None = None, variables_from: Path | None = None) -> str:
    """One bash script: the functions, then each block (its stdin the password file if it asks for one).
    The guide's shell variables can be kept for a later script (deleting the stage comes after checks)."""
    parts = ["set -euo pipefail", FUNCTIONS]
    if variables_from:
        parts.append(f'source "{variables_from}"')
    for number, block in enumerate(blocks, 1):
        source = '"$REHEARSAL_DIR/password"' if "create_user" in block else "/dev/null"
        title = shlex.quote(f"=== block {number}: {block.splitlines()[0][:60]}")
        parts.append(f'echo {title} "($SECONDS s)"\n{{\n{block}\n}} < {source}')
    if keep_variables:
        names = sorted(set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", "\n".join(blocks))))
        parts.append(f'declare -p {" ".join(names)} 2>/dev/null > "{keep_variables}" || true')
    return "\n".join(parts) + "\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def moto_server(log: Path) -> Iterator[str]:
    """A moto server process on a free local port; its endpoint."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=out
        )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
