"""The safe default address: a plain ``streamlit run app.py`` serves this
machine only (``server.address = "127.0.0.1"`` in .streamlit/config.toml),
and ``--server.address 0.0.0.0`` (what ``make app ADDRESS=0.0.0.0`` passes)
still shares it. Each test starts a real server on a free port and reads the
kernel's table of listening sockets (/proc/net/tcp and tcp6)."""
from __future__ import annotations

import contextlib
import socket
from pathlib import Path

import pytest

from nrr_core.demo.book import write_demo
from tests.browser import running_app

ROOT = Path(__file__).resolve().parent.parent
LISTEN = "0A"

if not Path("/proc/net/tcp").is_file():
    pytest.skip("needs Linux's /proc/net/tcp", allow_module_level=True)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("address") / "nrr.duckdb"
    write_demo(path, n_accounts=20, n_months=13)
    return path


def listening(port: int) -> set[str]:
    """The local addresses listening on ``port``: "127.0.0.1", "0.0.0.0", "::", "::1" or other hex."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).is_file():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] != LISTEN or int(hex_port, 16) != port:
                continue
            found.add({"0100007F": "127.0.0.1", "00000000": "0.0.0.0", "0" * 32: "::",
                       "0" * 24 + "01000000": "::1"}.get(address, address))
    return found


@contextlib.contextmanager
def served(book: Path, *args: str):
    """``streamlit run app.py`` from the checkout with no address of its own,
    plus ``args`` (``tests.browser.running_app``); yields its port once healthy."""
    with running_app(book, address=None, extra_args=args) as app:
        yield int(app.url.rsplit(":", 1)[1])


def other_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent by a UDP connect
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_streamlit_run_without_flags_listens_on_the_loopback_address_only(book):
    with served(book) as port:
        assert listening(port) == {"127.0.0.1"}
        address = other_address()
        if address:
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection((address, port), timeout=5).close()


def test_an_explicit_server_address_still_wins_over_the_default(book):
    with served(book, "--server.address", "0.0.0.0") as port:
        assert listening(port) == {"0.0.0.0"}
        address = other_address()
        if address:
            socket.create_connection((address, port), timeout=5).close()
