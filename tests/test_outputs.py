"""Issue 11: every `-o` refuses what it must not replace, file names tell what a file is,
and several commands answer with one clear line and their documented exit code.

Everything runs the real CLI as a child process (tests/support/procs.py) against a real
vault, real files, a real /dev/null, real Chromium and real local servers.
"""

from __future__ import annotations

import http.server
import os
import ssl
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.support.procs import cv_json, cv_run

REGISTER = Path(__file__).resolve().parent / "fixtures" / "authority" / "scenarios.toml"


def _one_line(done: subprocess.CompletedProcess) -> str:
    """The command's stderr: exactly one line, no traceback."""
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("contractvault: ") and lines[0].strip() != "contractvault:"
    return lines[0]


def _leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp")) + sorted(folder.glob(".*.tmp.kept"))



def _fresh_vault(tmp_path: Path) -> dict[str, str]:
    """An empty vault of the test's own, for tests that change what is in it."""
    env = {"CONTRACTVAULT_PASSPHRASE": PASSPHRASE, "CONTRACTVAULT_HOME": str(tmp_path / "v"),
           "CONTRACTVAULT_USER": "test.user"}
    assert cv_run(env, "init").returncode == 0
    return env


@pytest.fixture(scope="module")
def vault_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A vault with one contract, one added document and an imported register."""
    base = tmp_path_factory.mktemp("outputs")
    env = {"CONTRACTVAULT_PASSPHRASE": PASSPHRASE, "CONTRACTVAULT_HOME": str(base / "vault"),
           "CONTRACTVAULT_USER": "test.user", "CONTRACTVAULT_DB_URL": "",
           "CONTRACTVAULT_TSA_URL": ""}
    if os.environ.get("CONTRACTVAULT_TEST_DB_URL"):
        pytest.skip("the output checks need no database of their own")
    env = {k: v for k, v in env.items() if v}
    assert cv_run(env, "init").returncode == 0
    doc = base / "avtal.txt"
    doc.write_text("Avtal om molntjänst.\n\n1. Ansvarsbegränsning\nAnsvaret är begränsat.\n",
                   encoding="utf-8")
    cv_json(env, "add", str(doc), "--new", "Molntjänst", "--doc-type", "huvudavtal")
    assert cv_run(env, "authority", "import", str(REGISTER)).returncode == 0
    yield env


# Every command that writes a file the user names, with the flag that names it. All write a
# regular file; `{out}` is the target.
FILE_OUTPUTS = {
    "export evidence": ["export", "evidence", "D-1", "-o", "{out}"],
    "export report": ["export", "report", "D-1", "-o", "{out}"],
    "export wacz": ["export", "wacz", "D-1", "-o", "{out}"],
    "followup ics": ["followup", "ics", "-o", "{out}"],
    "authority export": ["authority", "export", "-o", "{out}"],
    "capture --report": ["capture", "http://127.0.0.1:9/", "--doc-type", "villkor", "--new",
                         "X", "--page-only", "--report", "{out}"],
    "capture --wacz": ["capture", "http://127.0.0.1:9/", "--doc-type", "villkor", "--new",
                       "X", "--page-only", "--wacz", "{out}"],
}


def _args(command: str, out: str, *extra: str) -> list[str]:
    return [a.replace("{out}", out) for a in FILE_OUTPUTS[command]] + list(extra)


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder that takes no new file, even for root (a sysfs folder), else a 0555 one."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


@pytest.mark.parametrize("command", sorted(FILE_OUTPUTS))
def test_a_file_output_never_replaces_a_file_link_device_or_folder(
        vault_env: dict[str, str], tmp_path: Path, command: str) -> None:
    existing = tmp_path / "existing.out"
    existing.write_bytes(b"keep me\n")
    target = tmp_path / "target.txt"
    target.write_bytes(b"not yours\n")
    link = tmp_path / "link.out"
    link.symlink_to(target)
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = [
        ("an existing file", str(existing), (), "already exists"),
        ("a symbolic link, even with --force", str(link), ("--force",), "symbolic link"),
        ("a device, even with --force", "/dev/null", ("--force",), "device"),
        ("a folder, even with --force", str(folder), ("--force",), "folder"),
        ("an empty path", "", (), "empty"),
        ("a missing parent folder", str(tmp_path / "no-such" / "x.out"), (), "does not exist"),
        ("a folder that takes no file", str(_unwritable_folder(tmp_path) / "x.out"), (),
         "cannot write"),
    ]
    for what, out, extra, says in cases:
        done = cv_run(vault_env, *_args(command, out, *extra))
        assert done.returncode == 2, (command, what, done.returncode, done.stderr)
        assert says in _one_line(done), (command, what, done.stderr)
    assert existing.read_bytes() == b"keep me\n"
    assert link.is_symlink() and link.readlink() == target
    assert target.read_bytes() == b"not yours\n"
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode), "/dev/null is still the device"
    assert list(folder.iterdir()) == []
    assert not (tmp_path / "no-such").exists()
    assert _leftovers(tmp_path) == [] and _leftovers(Path("/dev")) == []


@pytest.mark.parametrize("command", ["export evidence", "followup ics", "authority export"])
def test_force_replaces_a_regular_file_and_leaves_no_temp_file(
        vault_env: dict[str, str], tmp_path: Path, command: str) -> None:
    out = tmp_path / "out.file"
    out.write_bytes(b"old\n")
    done = cv_run(vault_env, *_args(command, str(out), "--force"))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() != b"old\n" and stat.S_ISREG(os.lstat(out).st_mode)
    new = tmp_path / "new.file"
    assert cv_run(vault_env, *_args(command, str(new))).returncode == 0
    assert new.stat().st_size > 0
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("command", [["export", "diarium", "C-1"], ["export", "ciceron"]])
def test_a_folder_output_refuses_any_existing_path_and_an_empty_one(
        vault_env: dict[str, str], tmp_path: Path, command: list[str]) -> None:
    file = tmp_path / "file"
    file.write_bytes(b"keep me\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    link = tmp_path / "link"
    link.symlink_to(empty)
    full = tmp_path / "full"
    full.mkdir()
    (full / "mine.txt").write_bytes(b"mine\n")
    for what, out, says in [("a file", file, "is a file"), ("a link to a folder", link, "link"),
                            ("a folder with files", full, "already exists"),
                            ("an empty path", "", "empty"),
                            ("a missing parent", tmp_path / "no" / "pkg", "does not exist")]:
        done = cv_run(vault_env, *command, "-o", str(out))
        assert done.returncode == 2, (what, done.returncode, done.stderr)
        assert says in _one_line(done), (what, done.stderr)
    assert file.read_bytes() == b"keep me\n" and link.is_symlink()
    assert list(empty.iterdir()) == [] and [p.name for p in full.iterdir()] == ["mine.txt"]
    assert _leftovers(tmp_path) == []
    # Even an empty folder is an existing path (cli-contract); a new one is made.
    assert cv_run(vault_env, *command, "-o", str(empty)).returncode == 2
    assert cv_run(vault_env, *command, "-o", str(tmp_path / "fresh")).returncode == 0
    assert any((tmp_path / "fresh").iterdir()) and _leftovers(tmp_path) == []


def test_bare_contractvault_shows_the_help_and_nothing_else(vault_env: dict[str, str]) -> None:
    for args in ([], ["export"]):
        done = cv_run(vault_env, *args)
        assert done.returncode == 0, done.stderr
        assert done.stderr == "" and "Usage: contractvault" in done.stdout


def test_an_identical_register_changes_nothing_and_a_changed_one_is_a_new_version(
        vault_env: dict[str, str], tmp_path: Path) -> None:
    before = cv_json(vault_env, "authority", "show", "--versions")["versions"]
    checked = cv_json(vault_env, "verify")["checked"]
    again = cv_run(vault_env, "authority", "import", str(REGISTER))
    assert again.returncode == 0, again.stderr
    assert f"identical to version {before[-1]['version']}" in again.stdout
    assert "nothing sealed" in again.stdout
    assert cv_json(vault_env, "authority", "show", "--versions")["versions"] == before
    assert cv_json(vault_env, "verify")["checked"] == checked, "nothing was sealed"
    changed = tmp_path / "changed.toml"
    changed.write_text(REGISTER.read_text("utf-8") + "\n# ändrad\n", "utf-8")
    made = cv_json(vault_env, "authority", "import", str(changed))
    assert made["unchanged"] is False and made["version"] == before[-1]["version"] + 1


def test_search_says_where_the_matches_it_does_not_list_went(tmp_path: Path) -> None:
    env = _fresh_vault(tmp_path)
    clause = ("Liability cap. The supplier's total liability is capped at the fees paid "
              "in the twelve months before the claim.")
    files = []
    for n in range(4):  # the same clause in four agreements (copies)
        p = tmp_path / f"agreement-{n}.txt"
        p.write_text(f"Agreement {n}\n\n1. {clause}\n\n2. Payment\nInvoices are monthly.\n")
        files.append(p)
    other = tmp_path / "dpa.txt"
    other.write_text("DPA\n\n1. Liability\nData breaches are not subject to the liability "
                     "cap of the main agreement.\n")
    for p in [*files, other]:
        cv_json(env, "add", str(p), "--new", p.stem, "--doc-type", "huvudavtal")
    data = cv_json(env, "search", "liability cap", "--limit", "10")
    shown, folded, total = len(data["hits"]), data["folded"], data["total"]
    assert folded > 0 and shown < 10 and shown + folded == total
    head = cv_run(env, "search", "liability cap", "--limit", "10").stdout.splitlines()[0]
    assert f"{total} clauses match" in head
    assert f"{shown} shown, {folded} folded into them as other versions or copies" in head
    assert "the best" not in head  # nothing was cut by --limit


# --- file names in the diarium copy, and capture refusals (real Chromium) ---

class _StatusHandler(http.server.BaseHTTPRequestHandler):
    """`/NNN` answers HTTP NNN with a page of text; anything else 200."""

    def do_GET(self) -> None:
        code = int(self.path.strip("/")) if self.path.strip("/").isdigit() else 200
        body = (b"<!doctype html><html><head><title>Terms</title></head><body><h1>Terms</h1>"
                + b"<p>These are the terms of the service agreement.</p>" * 20 + b"</body></html>")
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(http base, https base with a self-signed certificate made by openssl)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StatusHandler)
    tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StatusHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    tls.socket = context.wrap_socket(tls.socket, server_side=True)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (plain, tls)]
    for t in threads:
        t.start()
    try:
        yield (f"http://127.0.0.1:{plain.server_address[1]}",
               f"https://127.0.0.1:{tls.server_address[1]}")
    finally:
        for s in (plain, tls):
            s.shutdown()
            s.server_close()


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.browser
def test_capture_refusals_exit_with_their_documented_code_and_one_line(
        tmp_path: Path, servers: tuple[str, str]) -> None:
    env = _fresh_vault(tmp_path)
    http_base, https_base = servers
    cases = [
        ("nothing listens", f"http://127.0.0.1:{_closed_port()}/", 5, "nothing answers"),
        ("no such host", "http://no-such-host.invalid/", 5, "does not resolve"),
        ("self-signed certificate", f"{https_base}/", 3, "not trusted"),
        ("https to an http server", f"{http_base.replace('http:', 'https:')}/", 3, "TLS"),
        ("HTTP 404", f"{http_base}/404", 5, "HTTP 404"),
        ("HTTP 403", f"{http_base}/403", 3, "HTTP 403"),
        ("HTTP 500", f"{http_base}/500", 1, "HTTP 500"),
        ("a port Chromium refuses", "http://127.0.0.1:9/", 2, "refuses that port"),
    ]
    got = {}
    for what, url, code, says in cases:
        done = cv_run(env, "capture", url, "--doc-type", "villkor", "--new", "X",
                      "--page-only", "--json")
        line = _one_line(done)
        got[what] = done.returncode
        assert done.returncode == code and says in line, (what, done.returncode, line)
        assert "Page.goto" not in line and "Nothing was sealed" in line
    print("exit codes:", got)
    assert cv_json(env, "list")["contracts"] == [], "a refused capture makes no contract"


@pytest.mark.browser
def test_the_diarium_copy_names_files_by_id_type_and_what_they_are(
        tmp_path: Path, servers: tuple[str, str]) -> None:
    env = _fresh_vault(tmp_path)
    http_base, _ = servers
    first = cv_json(env, "capture", f"{http_base}/", "--doc-type", "villkor", "--new",
                    "Molntjänst", "--page-only")
    cid = first["contract_id"]
    second = cv_json(env, "capture", f"{http_base}/subprocessors.html", "--doc-type",
                     "pub-avtal", "--contract", cid, "--page-only")
    pkg = tmp_path / "pkg"
    cv_json(env, "export", "diarium", cid, "-o", str(pkg))
    data = pkg / "representations" / "rep1" / "data"
    d1, d2 = first["document_ids"][0], second["document_ids"][0]
    originals = {p.parent.name: p.name for p in data.glob("D-*/*") if p.is_file()}
    assert originals == {d1: f"{d1}-villkor.pdf", d2: f"{d2}-pub-avtal.pdf"}
    assert (data / d1 / f"{d1}-villkor.pdf").read_bytes().startswith(b"%PDF-")
    magic = {b"%PDF-": ".pdf", b"\x89PNG": ".png"}
    for path in data.rglob("*"):
        if path.is_file():
            head = path.read_bytes()[:8]
            for sig, ext in magic.items():
                if head.startswith(sig):
                    assert path.suffix == ext, path
    har = [p for p in data.rglob("*") if p.is_file() and p.read_bytes()[:200].lstrip()
           .startswith(b"{") and b'"log"' in p.read_bytes()[:200]]
    assert har and all(p.suffix in (".har", ".json") for p in har)
    assert not [p for p in data.rglob("*") if p.name.startswith("127.0.0.1")]
