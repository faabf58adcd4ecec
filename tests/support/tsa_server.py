"""A real RFC 3161 time-stamping authority on 127.0.0.1 for the tests.

A CA and a TSA certificate (extendedKeyUsage critical timeStamping) are made with the
openssl CLI in a temporary folder; each POSTed query is answered by `openssl ts -reply`.
`mode` lets a test make the TSA unreachable-like (HTTP 503) or answer over another hash.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TSA_CONF = """\
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5.6
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

TSA_EXT = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def _run(*args: str, cwd: Path, stdin: bytes | None = None) -> bytes:
    proc = subprocess.run(list(args), cwd=cwd, input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def make_tsa_pki(folder: Path, name: str = "ContractVault Test TSA") -> None:
    """CA + TSA key pair and certificates, serial file and `openssl ts` config in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    _run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650",
         "-subj", f"/CN={name} CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    _run("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", f"/CN={name}", cwd=folder)
    (folder / "tsa.ext").write_text(TSA_EXT)
    _run("openssl", "x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "tsa.crt", "-days", "3650", "-extfile", "tsa.ext", cwd=folder)
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(TSA_CONF.format(dir=folder))


class TestTsa:
    """An HTTP TSA on 127.0.0.1 (port 0). Use as a context manager."""

    __test__ = False  # not a pytest test class

    def __init__(self, folder: Path | None = None, name: str = "ContractVault Test TSA") -> None:
        self.folder = Path(folder or tempfile.mkdtemp(prefix="cv-tsa-"))
        self.name = name
        make_tsa_pki(self.folder, name)
        self.mode = "ok"  # ok | down | other-hash
        self.requests = 0  # queries answered with a token
        self.attempts = 0  # every POST, answered or not
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def ca_pem(self) -> Path:
        """The CA certificate that issued the TSA certificate."""
        return self.folder / "ca.crt"

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/tsa"

    def reply(self, query: bytes) -> bytes:
        """Answer one TimeStampReq (DER) with `openssl ts -reply`."""
        with self._lock:
            self.requests += 1
            q = self.folder / "q.tsq"
            if self.mode == "other-hash":
                # A well-formed, correctly signed token over some other data.
                query = _run("openssl", "ts", "-query", "-sha256", "-cert", "-digest", "11" * 32,
                             cwd=self.folder)
            q.write_bytes(query)
            return _run("openssl", "ts", "-reply", "-config", "tsa.cnf", "-queryfile", "q.tsq",
                        cwd=self.folder)

    def __enter__(self) -> TestTsa:
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                tsa.attempts += 1
                if tsa.mode == "down":
                    self.send_error(503, "TSA unavailable")
                    return
                try:
                    data = tsa.reply(body)
                except RuntimeError:
                    self.send_error(400, "bad query")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
