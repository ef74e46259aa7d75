"""Refuse, with one clear line, a Python the project was not locked and tested for.

Runs under any Python 3 before the virtual environment exists (the Makefile
calls it with the interpreter it is about to use), so it imports nothing.
"""
import sys

# requirements.txt is resolved for, and CI tests on, this version (see `make lock`).
SUPPORTED = (3, 11)


def main() -> int:
    found = sys.version_info[:2]
    if found == SUPPORTED:
        return 0
    want = "%d.%d" % SUPPORTED
    sys.stderr.write(
        "error: the NRR dashboard needs Python %s; %s is Python %d.%d. requirements.txt is locked and "
        "tested for %s only. Install it (Debian: apt-get install python%s) and run with "
        "PYTHON=python%s, e.g. `make app PYTHON=python%s`; if .venv was made by another Python, "
        "remove it first (rm -rf .venv).\n" % (want, sys.executable, found[0], found[1], want, want, want, want))
    return 1


if __name__ == "__main__":
    sys.exit(main())
