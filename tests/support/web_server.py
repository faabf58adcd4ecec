"""Test helpers for the web interface: a vault with real sealed documents (a PDF, a
secret contract, a real capture in Chromium), users of every role, and a real
`contractvault serve` process on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / "tests" / "tools"
SAMPLE_PDF = REPO / "contractvault" / "data" / "samples" / "ssbtek-avtalsdokument.pdf"
REGISTER = REPO / "contractvault" / "data" / "authority-example.toml"
CLICKTHROUGH = REPO / "tests" / "fixtures" / "clickthrough"
PASSPHRASE = "web test passphrase"
# One password per user: a test greps the logs for every one of them.
PASSWORDS = {
    "rut.reader": "Läsarens-lösen-7391",
    "olle.officer": "Handläggarens-lösen-2218",
    "ada.admin": "Administratörens-lösen-5530",
    "sara.secret": "Sekretessens-lösen-8812",
    "tina.throttle": "Strypningens-lösen-4409",
}
ROLES = {"rut.reader": ("reader", False), "olle.officer": ("officer", False),
         "ada.admin": ("admin", False), "sara.secret": ("officer", True),
         "tina.throttle": ("reader", False)}
SECRET_TITLE = "Hemliga Kryptonitavtalet"
SECRET_WORD = "kryptonitklausul"
SECRET_SUPPLIER = "Diskret Leverantör AB"


def free_port() -> int:
    """A port nobody listens on now (the kernel picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Built:
    """What the test vault holds."""

    root: Path
    public: str = ""  # C-… with the sample PDF
    public_doc: str = ""
    secret: str = ""
    secret_doc: str = ""
    captured: str = ""  # C-… with the capture
    captured_doc: str = ""
    env: dict[str, str] = field(default_factory=dict)


def base_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTRACTVAULT_")}
    env.update({"CONTRACTVAULT_HOME": str(root), "CONTRACTVAULT_PASSPHRASE": PASSPHRASE,
                "CONTRACTVAULT_USER": "test.setup", "PYTHONUNBUFFERED": "1"})
    return env


def build_vault(root: Path, *, capture: bool = True, site: object | None = None) -> Built:
    """A vault with a public contract (sample PDF), a secret one (a text with a unique
    word, deadlines and a deficiency), a real click-through capture, the example
    delegation register, and the users of PASSWORDS. The capture is of `site` (a
    capture.localserver site serving tests/fixtures/clickthrough) when given."""
    from capture.localserver import serve
    from contractvault.access.users import add_user
    from contractvault.authority.store import import_register
    from contractvault.evidence.capture import CaptureOptions, capture_agreement
    from contractvault.evidence.ingest import add_files
    from contractvault.followup.deficiencies import add_deficiency
    from contractvault.records.contracts import ContractFields, create_contract
    from contractvault.vault import Vault

    today = date.today()
    built = Built(root=root, env=base_env(root))
    with Vault.create(root, lambda: PASSPHRASE) as vault:
        vault.user = "test.setup"
        import_register(vault, REGISTER)
        built.public = create_contract(vault, "SSBTEK Avtalsdokument", ContractFields(
            supplier="Sydleverantör AB", board="KS", category="plattform",
            start_date=today - timedelta(days=300), end_date=today + timedelta(days=60),
            notice_months=1))
        built.public_doc = add_files(vault, [SAMPLE_PDF], doc_type="huvudavtal",
                                     contract=built.public).document_ids[0]
        built.secret = create_contract(vault, SECRET_TITLE, ContractFields(
            supplier=SECRET_SUPPLIER, board="KS", secret=True, category="verksamhetssystem",
            start_date=today - timedelta(days=200), end_date=today + timedelta(days=45),
            notice_months=1))
        text = root.parent / "hemligt-avtal.txt"
        text.write_text(
            f"{SECRET_TITLE}\n\n1. Omfattning\nDetta avtal omfattas av sekretess.\n\n"
            f"2. Särskilda villkor\nLeverantören ska följa {SECRET_WORD} vid varje leverans "
            "och rapportera avvikelser till kommunen inom fem dagar.\n", encoding="utf-8")
        built.secret_doc = add_files(vault, [text], doc_type="huvudavtal",
                                     contract=built.secret).document_ids[0]
        add_deficiency(vault, built.secret, description=f"Brist i {SECRET_WORD}-rutinen",
                       clause="2", noticed_on=today - timedelta(days=20))
        if capture:
            with contextlib.ExitStack() as stack:
                live = site if site is not None else stack.enter_context(serve(CLICKTHROUGH))
                out = capture_agreement(vault, CaptureOptions(
                    url=live.url("/"), doc_type="pub-avtal", new_title="Samarbetsytan",
                    supplier="Testleverantören AB", click=True, submit_selector="#fortsatt",
                    signer="anna.l", board="KS", scope="kommungemensam"))
            built.captured, built.captured_doc = out.contract_id or "", out.document_ids[0]
        for name, password in PASSWORDS.items():
            role, secret = ROLES[name]
            add_user(vault, name, role, password=password, secret_access=secret)
    return built


class Server:
    """A real `contractvault serve` process; its stdout and stderr go to `log`."""

    def __init__(self, built: Built, log: Path, extra_env: dict[str, str] | None = None,
                 port: int | None = None) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**built.env, **(extra_env or {})}
        self._log_fh = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "contractvault", "serve", "--port", str(self.port)],
            env=env, stdout=self._log_fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited: {log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.base}/login", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"serve did not answer: {log.read_text(errors='replace')}")
            time.sleep(0.2)

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_fh.close()


def node_tools() -> Path:
    """tests/tools/node_modules, installed by tests/tools/setup.sh (./dev test runs it)."""
    modules = TOOLS / "node_modules"
    if not (modules / "oidc-provider").is_dir() or not (modules / "axe-core").is_dir():
        subprocess.run(["sh", str(TOOLS / "setup.sh")], check=True)
    return modules
