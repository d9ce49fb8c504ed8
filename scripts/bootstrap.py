"""Create the project's virtual environment and install the locked dependencies.

Needs nothing but Python 3.11's standard library. Debian's python3 ships without
ensurepip unless python3-venv is installed; in that case the environment is created
without pip and a pinned, hash-checked pip wheel is fetched from PyPI instead.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PIP_WHEEL = (
    "https://files.pythonhosted.org/packages/44/3c/"
    "d717024885424591d5376220b5e836c2d5293ce2011523c9de23ff7bf068/pip-25.3-py3-none-any.whl"
)
PIP_SHA256 = "9655943313a94722b7774661c21049070f6bbb0a1516bf02f7c8d5d9201514cd"


def main() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Lotse needs Python 3.11, this is {sys.version.split()[0]}.")
    python = VENV / "bin" / "python"
    if not python.exists():
        try:
            import ensurepip  # noqa: F401

            venv.create(VENV, with_pip=True)
        except ImportError:
            venv.create(VENV, with_pip=False)
    if subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode:
        install_pip(python)
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.run([*pip, "--require-hashes", "-r", str(ROOT / "requirements.lock")], check=True)


def install_pip(python: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = Path(tmp) / PIP_WHEEL.rsplit("/", 1)[1]
        with urllib.request.urlopen(PIP_WHEEL, timeout=120) as response:
            wheel.write_bytes(response.read())
        if hashlib.sha256(wheel.read_bytes()).hexdigest() != PIP_SHA256:
            sys.exit("The downloaded pip wheel does not match its pinned hash.")
        subprocess.run([python, f"{wheel}/pip", "install", "--quiet", str(wheel)], check=True)


if __name__ == "__main__":
    main()
