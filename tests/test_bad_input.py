"""Bad input (issue 11): values and input files that must get one clear line on stderr and
the documented exit code (cli-contract.md), no traceback, and nothing half-written.

Every test runs the real CLI as a child process, on real files and the real database
(SQLite, or PostgreSQL with `-m db` and CONTRACTVAULT_TEST_DB_URL). Each fails on the code
before its fix.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from support.procs import cv_env, cv_json, cv_run

from contractvault.util import sha256_file

# A Python exception's class name in a message means a traceback was turned into words.
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b|Traceback|unexpected failure")


def refused(done: subprocess.CompletedProcess, code: int) -> str:
    """Assert the run ended with `code` and exactly one clear line on stderr; returns it."""
    lines = done.stderr.splitlines()
    assert done.returncode == code, (done.returncode, done.stderr[-2000:])
    assert len(lines) == 1, done.stderr[-2000:]
    assert not _CLASS_NAME.search(done.stderr), done.stderr[-2000:]
    assert lines[0].startswith("contractvault: ")
    return lines[0]


@pytest.fixture
def vault(env: dict[str, str]) -> Path:
    """A vault made by `contractvault init` in a child process."""
    done = cv_run(env, "init")
    assert done.returncode == 0, done.stderr
    return Path(env["CONTRACTVAULT_HOME"])


def contracts(env: dict[str, str]) -> list[dict]:
    return cv_json(env, "list")["contracts"]


def _engine(env: dict[str, str], vault: Path):
    return create_engine(env.get("CONTRACTVAULT_DB_URL") or f"sqlite:///{vault / 'metadata.sqlite'}")


def _text_file(folder: Path, name: str, word: str) -> Path:
    path = folder / name
    path.write_text(f"1. Avtalet\n1.1 Leverantören ska leverera tjänsten {word} enligt bilaga.\n",
                    encoding="utf-8")
    return path


# --- 1. extreme but valid dates ----------------------------------------------------------


@pytest.mark.db
@pytest.mark.parametrize("flags", [
    ("--end", "9999-12-31", "--renewal-months", "12"),
    ("--start", "0001-01-01"),
    ("--end", "2027-01-31", "--notice-months", "100000"),
    ("--end", "2027-01-31", "--renewal-months", "100000"),
])
def test_contract_new_refuses_dates_and_months_no_agreement_has(env, vault, flags) -> None:
    line = refused(cv_run(env, "contract", "new", "Ytterlighet", *flags), 2)
    assert "out of range" in line or "too large" in line, line
    assert contracts(env) == []


@pytest.mark.db
def test_contract_set_refuses_an_extreme_end_and_keeps_the_contract_as_it_was(env, vault) -> None:
    cid = cv_json(env, "contract", "new", "Avtal", "--end", "2027-06-30")["contract_id"]
    line = refused(cv_run(env, "contract", "set", cid, "--end", "9999-12-31",
                          "--renewal-months", "12"), 2)
    assert "9999-12-31" in line and "1900-01-01" in line and "2200-12-31" in line, line
    (row,) = contracts(env)
    assert row["end"] == "2027-06-30" and row["renewal_months"] is None
    # A count that overflows any integer type keeps its usage error.
    refused(cv_run(env, "contract", "set", cid, "--notice-months", "1e20"), 2)


@pytest.mark.db
def test_one_contract_with_impossible_terms_leaves_everyone_elses_deadlines(env, vault,
                                                                         tmp_path) -> None:
    good = cv_json(env, "contract", "new", "Vanligt avtal", "--end", "2030-03-31",
                   "--notice-months", "3")["contract_id"]
    odd = cv_json(env, "contract", "new", "Udda avtal", "--end", "2030-03-31")["contract_id"]
    worse = cv_json(env, "contract", "new", "Uddare avtal", "--end", "2030-03-31")["contract_id"]
    # Written before the bounds existed, or straight into the database.
    engine = _engine(env, vault)
    with engine.begin() as conn:
        conn.execute(text("UPDATE cv_contract SET end_date = :d, renewal_months = 12, "
                          "start_date = :s WHERE id = :i"),
                     {"d": "9999-12-31", "s": "0001-01-01", "i": int(odd[2:])})
        conn.execute(text("UPDATE cv_contract SET notice_months = 100000 WHERE id = :i"),
                     {"i": int(worse[2:])})
    engine.dispose()

    due = cv_run(env, "followup", "due", "--on", "2029-12-15", "--json")
    assert due.returncode == 0, due.stderr
    listing = json.loads(due.stdout)
    assert [(i["contract_id"], i["kind"]) for i in listing["items"]] == [(good, "notice")]
    assert {k["contract_id"] for k in listing["skipped"]} == {odd, worse}
    warnings = due.stderr.splitlines()
    assert len(warnings) == 2 and not _CLASS_NAME.search(due.stderr), due.stderr
    assert odd in warnings[0] and worse in warnings[1] and "contract set" in warnings[0]

    report = cv_run(env, "report", "--on", "2029-12-15", "--json")
    assert report.returncode == 0, report.stderr
    findings = json.loads(report.stdout)["findings"]
    assert {f["contract_id"] for f in findings if f["kind"] == "unreadable-terms"} == {odd, worse}
    assert any(f["contract_id"] == good and f["kind"] == "deadline" for f in findings)

    ics = tmp_path / "frister.ics"
    written = cv_run(env, "followup", "ics", "-o", str(ics), "--on", "2029-12-15")
    assert written.returncode == 0, written.stderr
    assert good.encode() in ics.read_bytes()


# --- 2. overflowing numbers ------------------------------------------------------------


@pytest.mark.db
def test_ids_beyond_any_row_are_not_found(env, vault) -> None:
    for args in (("show", "C-99999999999999999999"), ("show", "D-99999999999999999999"),
                 ("verify", "E-99999999999999999999"), ("show", "C-2147483648")):
        line = refused(cv_run(env, *args), 5)
        assert "no " in line and args[1] in line, line


@pytest.mark.db
def test_integer_options_beyond_their_range_are_usage_errors(env, vault) -> None:
    for args in (("followup", "due", "--within", "99999999999"),
                 ("followup", "due", "--on", "9999-12-31"),
                 ("search", "avtal", "--limit", "99999999999"),
                 ("authority", "show", "--version", "99999999999")):
        refused(cv_run(env, *args), 2)
    refused(cv_run(env, "contract", "new", "Dyrt", "--value", str(10**20)), 2)
    refused(cv_run(env, "contract", "new", "Lång", "--deletion-days", "99999999999"), 2)
    assert contracts(env) == []


# --- 3. closed stdin and no passphrase ---------------------------------------------------


def _closed_stdin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # `<&-`: the child has no file descriptor 0 at all, so Python's sys.stdin is None.
    cmd = " ".join(["exec", sys.executable, "-m", "contractvault", *args, "<&-"])
    return subprocess.run(["sh", "-c", cmd], env=cv_env(env), capture_output=True, text=True,
                          timeout=120)


def test_closed_stdin_without_a_secret_says_which_variable_to_set(env, vault, tmp_path) -> None:
    no_secrets = {k: v for k, v in env.items() if k != "CONTRACTVAULT_PASSPHRASE"}
    no_secrets["CONTRACTVAULT_PASSPHRASE"] = ""
    line = refused(_closed_stdin(no_secrets, "user", "add", "lisa", "--role", "reader"), 2)
    assert "CONTRACTVAULT_USER_PASSWORD" in line, line
    doc = _text_file(tmp_path, "avtal.txt", "stängd")
    line = refused(_closed_stdin(no_secrets, "add", str(doc), "--new", "X", "--doc-type",
                                 "ovrigt"), 2)
    assert "CONTRACTVAULT_PASSPHRASE" in line, line
    assert contracts(env) == []
    assert cv_json(env, "user", "list")["users"] == []


# --- 4. a garbage metadata.sqlite ------------------------------------------------------


def test_a_garbage_database_file_is_a_damaged_vault(env, vault, tmp_path) -> None:
    if env.get("CONTRACTVAULT_DB_URL"):
        pytest.skip("the vault's own SQLite file")
    (vault / "metadata.sqlite").write_bytes(os.urandom(64 * 1024))
    line = refused(cv_run(env, "verify"), 4)
    assert "metadata.sqlite" in line and "damaged" in line and "backup" in line, line
    for args in (("list",), ("show", "C-1"), ("followup", "due"), ("report",),
                 ("add", str(_text_file(tmp_path, "a.txt", "skräp")), "--new", "X",
                  "--doc-type", "ovrigt")):
        line = refused(cv_run(env, *args), 4)
        assert "metadata.sqlite" in line, line


# --- 5. a damaged key file --------------------------------------------------------------


@pytest.mark.db
def test_a_damaged_key_file_is_named_as_damaged_not_as_a_wrong_passphrase(env, vault,
                                                                          tmp_path) -> None:
    (key,) = (vault / "keys").glob("*.key.pem")
    whole = key.read_bytes()
    doc = _text_file(tmp_path, "avtal.txt", "nyckel")
    lines = whole.splitlines(keepends=True)
    for damaged in (whole[: len(whole) // 2], os.urandom(len(whole)),
                    b"".join(lines[:2] + lines[3:])):
        key.write_bytes(damaged)
        line = refused(cv_run(env, "add", str(doc), "--new", "X", "--doc-type", "ovrigt"), 4)
        assert "damaged" in line and str(key) in line and "backup" in line, line
        assert "wrong passphrase" not in line
    key.write_bytes(whole)
    assert contracts(env) == []
    wrong = refused(cv_run({**env, "CONTRACTVAULT_PASSPHRASE": "fel"}, "add", str(doc),
                           "--new", "X", "--doc-type", "ovrigt"), 2)
    assert "wrong passphrase" in wrong
    assert contracts(env) == []


# --- 6. a 100 KB echo -------------------------------------------------------------------


@pytest.mark.db
def test_a_100_kb_value_is_cut_in_the_error_line(env, vault) -> None:
    huge = "x" * 100_000
    for args, code in ((("show", f"C-{huge}"), 2),
                       (("contract", "new", "Avtal", "--category", huge), 2),
                       (("add", f"/tmp/{huge}", "--new", "X", "--doc-type", "ovrigt"), 2)):
        line = refused(cv_run(env, *args), code)
        assert len(line) < 1200, len(line)
        assert "(1000" in line and "characters)" in line, line[:400]
    assert contracts(env) == []


@pytest.mark.browser
def test_a_100_kb_url_is_cut_in_what_capture_prints(env, vault) -> None:
    url = "http://127.0.0.1:1/" + "a" * 100_000
    done = cv_run(env, "capture", url, "--doc-type", "villkor", "--new", "Lång")
    assert done.returncode != 0
    assert max(len(ln) for ln in done.stderr.splitlines()) < 1200, len(done.stderr)
    assert not _CLASS_NAME.search(done.stderr), done.stderr[:2000]
    assert contracts(env) == []


# --- 7, 8. UTF-16 text and symlink loops ------------------------------------------------


@pytest.mark.db
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_text_is_read_and_searchable(env, vault, tmp_path, encoding) -> None:
    path = tmp_path / "avtal.txt"
    path.write_bytes("1. Avtalet\n1.1 Leverantören ska leverera tjänsten sextonbitar enligt "
                     "bilaga.\n".encode(encoding))
    done = cv_run(env, "add", str(path), "--new", "UTF", "--doc-type", "ovrigt", "--json")
    assert done.returncode == 0, done.stderr
    assert "text layer" not in done.stderr
    doc = json.loads(done.stdout)["document_ids"][0]
    assert cv_json(env, "show", doc)["has_text"] is True
    hits = cv_json(env, "search", "sextonbitar")["hits"]
    assert [h["document_id"] for h in hits] == [doc]
    assert "Leverantören" in hits[0]["text"]


def test_a_symlink_loop_is_called_a_symlink_loop(env, vault, tmp_path) -> None:
    loop = tmp_path / "slinga.txt"
    loop.symlink_to(loop.name)
    pair = tmp_path / "a.txt"
    pair.symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    for path in (loop, pair):
        line = refused(cv_run(env, "add", str(path), "--new", "X", "--doc-type", "ovrigt"), 2)
        assert "symlink loop" in line and "no such file" not in line, line
    assert contracts(env) == []
    # A file that is not there is still "no such file".
    gone = refused(cv_run(env, "add", str(tmp_path / "borta.txt"), "--new", "X",
                          "--doc-type", "ovrigt"), 2)
    assert "no such file" in gone


# --- 9. TSA URLs other than http(s) -----------------------------------------------------


@pytest.mark.db
def test_a_file_tsa_url_is_refused_wherever_it_enters(env, vault, tmp_path) -> None:
    doc = _text_file(tmp_path, "avtal.txt", "tidsstämpel")
    add = ("add", str(doc), "--new", "T", "--doc-type", "ovrigt")
    refused(cv_run(env, "--tsa", "file:///etc/passwd", *add), 2)
    line = refused(cv_run({**env, "CONTRACTVAULT_TSA_URL": "file:///etc/passwd"}, *add), 2)
    assert "CONTRACTVAULT_TSA_URL" in line, line
    refused(cv_run({**env, "CONTRACTVAULT_TSA_URL": "http://127.0.0.1:9/ ftp://x/"}, *add), 2)
    refused(cv_run(env, "key", "tsa", "http://127.0.0.1:9/", "file:///etc/passwd"), 2)
    assert not (vault / "tsa.json").exists()
    (vault / "tsa.json").write_text(json.dumps({"url": "file:///etc/passwd",
                                                "urls": ["file:///etc/passwd"], "ca_pems": []}))
    line = refused(cv_run(env, *add), 2)
    assert "tsa.json" in line, line
    assert contracts(env) == []
    # The evidence stays checkable meanwhile, and `key tsa` sets it right.
    assert cv_run(env, "verify").returncode == 0
    assert cv_run(env, "key", "tsa", "http://127.0.0.1:9/").returncode == 0
    assert json.loads((vault / "tsa.json").read_text())["urls"] == ["http://127.0.0.1:9/"]


# --- 10. NUL bytes and SQL text in documents --------------------------------------------

_DUMP = """-- PostgreSQL database dump
SET statement_timeout = 0;
INSERT INTO avtal (id, text) VALUES (1, 'Leverantören ska leverera tjänsten; DROP TABLE cv_contract; --');
COPY public.avtal (id, text) FROM stdin;
1\tAvtalet gäller från 2025-01-01 \\N\t'citat' "dubbla" $$dollar$$ nolltecken \x00slut
\\.
"""


@pytest.mark.db
def test_nul_bytes_and_an_sql_dump_as_document_text(env, vault, tmp_path) -> None:
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"1. Avtalet\n1.1 Leverant\xc3\xb6ren ska leverera nollbyte\x00 enligt "
                    b"bilaga.\n")
    dump = tmp_path / "dump.sql.txt"
    dump.write_bytes(_DUMP.encode("utf-8"))
    done = cv_run(env, "add", str(nul), str(dump), "--new", "NUL", "--doc-type", "ovrigt",
                  "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    docs = json.loads(done.stdout)["document_ids"]
    assert len(docs) == 2
    for doc, path in zip(docs, (nul, dump), strict=True):
        shown = cv_json(env, "show", doc)
        # The sealed blob keeps the original bytes, NUL and all.
        assert shown["sha256"] == sha256_file(path)
        blob = vault / "blobs" / shown["sha256"][:2] / shown["sha256"][2:]
        assert blob.read_bytes() == path.read_bytes()
    assert [h["document_id"] for h in cv_json(env, "search", "nollbyte")["hits"]] == [docs[0]]
    hits = cv_json(env, "search", "nolltecken")["hits"]
    assert [h["document_id"] for h in hits] == [docs[1]] and "\x00" not in hits[0]["text"]
    assert cv_json(env, "search", "statement_timeout")["total"] == 1
    assert cv_run(env, "verify").returncode == 0
    assert len(contracts(env)) == 1
    if not env.get("CONTRACTVAULT_DB_URL"):
        with sqlite3.connect(vault / "metadata.sqlite") as conn:
            texts = [r[0] for r in conn.execute("SELECT text FROM cv_document_page")]
        assert texts and not any("\x00" in t for t in texts)


# --- the web forms and API use the same bounds ------------------------------------------


def test_the_web_api_refuses_the_same_extreme_values(tmp_path) -> None:
    import httpx
    from support.web_server import PASSWORDS, Server, build_vault

    built = build_vault(tmp_path / "vault", capture=False)
    server = Server(built, tmp_path / "serve.log")
    try:
        client = httpx.Client(base_url=server.base, timeout=60)
        r = client.post("/api/login", json={"name": "olle.officer",
                                            "password": PASSWORDS["olle.officer"]})
        assert r.status_code == 200
        token = {"X-CSRF-Token": r.json()["csrf_token"]}
        before = client.get(f"/api/contracts/{built.public}").json()
        for body in ({"end": "9999-12-31", "renewal_months": 12}, {"start": "0001-01-01"},
                     {"notice_months": 100000}, {"value_sek": 10**20}):
            r = client.post(f"/api/contracts/{built.public}", headers=token, json=body)
            assert r.json().get("error", {}).get("exit_code") == 2, (body, r.text[:500])
        assert client.get(f"/api/contracts/{built.public}").json() == before
        r = client.get("/api/due", params={"within": "99999999999"})
        assert r.json().get("error", {}).get("exit_code") == 2, r.text[:500]
        r = client.get("/api/contracts/C-99999999999999999999")
        assert r.json().get("error", {}).get("exit_code") == 5, r.text[:500]
    finally:
        server.stop()


@pytest.mark.db
def test_the_web_lists_contracts_without_deadlines_and_refuses_control_characters(
        env, vault, tmp_path) -> None:
    """The deadlines page names a contract whose terms cannot be computed (it is not
    silently missing), and a form value with a NUL gets a clear refusal, on PostgreSQL too,
    instead of a server error; nothing is created."""
    import httpx
    from support.web_server import Built, Server

    good = cv_json(env, "contract", "new", "Vanligt avtal", "--end", "2030-03-31")["contract_id"]
    odd = cv_json(env, "contract", "new", "Udda avtal", "--end", "2030-03-31")["contract_id"]
    engine = _engine(env, vault)
    with engine.begin() as conn:  # written before the bounds existed
        conn.execute(text("UPDATE cv_contract SET end_date = :d, renewal_months = 12 "
                          "WHERE id = :i"), {"d": "9999-12-31", "i": int(odd[2:])})
    engine.dispose()
    added = subprocess.run(
        [sys.executable, "-m", "contractvault", "user", "add", "handlaggare", "--role",
         "officer"], env=cv_env(env, CONTRACTVAULT_USER_PASSWORD="rätt-lösenord-1"),
        capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    server = Server(Built(root=vault, env=cv_env(env)), tmp_path / "serve.log")
    try:
        client = httpx.Client(base_url=server.base, follow_redirects=False, timeout=60)
        token = _CSRF.search(client.get("/login").text).group(1)
        signed = client.post("/login", data={"csrf_token": token, "name": "handlaggare",
                                             "password": "rätt-lösenord-1", "next": "/"})
        assert signed.status_code == 303, signed.text
        page = client.get("/deadlines?within=3650", headers={"Accept-Language": "en"})
        assert page.status_code == 200
        skipped = page.text.split('id="skipped"', 1)
        assert len(skipped) == 2, "the deadlines page does not name the odd contract"
        assert odd in skipped[1] and good not in skipped[1]

        token = _CSRF.search(client.get("/contracts").text).group(1)
        refused_post = client.post("/contracts", data={"csrf_token": token,
                                                       "title": "Avtal\x00med nolla"})
        assert refused_post.status_code == 400, refused_post.text[:300]
        assert "U+0000" in refused_post.text
    finally:
        server.stop()
    assert sorted(c["contract_id"] for c in contracts(env)) == sorted([good, odd])


def test_output_into_a_closed_pipe_is_no_failure(env, vault) -> None:
    """`contractvault … | head -1`: the reader stopping early is what the user asked for,
    not an unexpected failure (exit 1 with a BrokenPipeError line before)."""
    for args in (["--help"], ["capture", "--help"], ["search", "avtal"],
                 ["search", "avtal", "--json"], ["list"]):
        read, write = os.pipe()
        os.close(read)  # nobody reads: the first write fails with EPIPE
        try:
            done = subprocess.run([sys.executable, "-m", "contractvault", *args],
                                  env=cv_env(env), stdout=write, stderr=subprocess.PIPE,
                                  text=True, timeout=120)
        finally:
            os.close(write)
        assert (done.returncode, done.stderr) == (0, ""), (args, done.returncode, done.stderr)


def test_a_text_file_with_no_text_is_not_told_to_get_ocr(env, vault, tmp_path) -> None:
    """OCR is advice for a scanned PDF; a text file with (almost) nothing readable in it is
    told so, and still stored."""
    empty = tmp_path / "nästan-tom.txt"
    empty.write_bytes(b"\x01\x02 ok \x03")
    done = cv_run(env, "add", str(empty), "--new", "Tomt", "--doc-type", "huvudavtal", "--json")
    assert done.returncode == 0, done.stderr
    shown = done.stdout + done.stderr
    assert "almost no readable text" in shown and "OCR" not in shown, shown
    assert json.loads(done.stdout)["document_ids"] == ["D-1"]


def test_follow_up_texts_refuse_control_characters(env, vault) -> None:
    """Every free text of avtalsuppföljning goes through the same check as a contract's
    title: a follow-up's notes and participants, a deficiency's note when resolved."""
    cid = cv_json(env, "contract", "new", "Avtal", "--end", "2030-06-30")["contract_id"]
    line = refused(cv_run(env, "followup", "record", cid, "--kind", "meeting",
                          "--participant", "Anna\x01", "--notes", "ok"), 2)
    assert "U+0001" in line and "--participant" in line, line
    line = refused(cv_run(env, "followup", "record", cid, "--kind", "internal-review",
                          "--notes", "bra\x1b[31m"), 2)
    assert "U+001B" in line and "--notes" in line, line
    did = cv_json(env, "deficiency", "add", cid, "--description", "SLA under 99,5 %")
    ref = did.get("deficiency_id") or did.get("id")
    line = refused(cv_run(env, "deficiency", "resolve", ref, "--note", "klart\x07"), 2)
    assert "U+0007" in line, line
    listed = cv_json(env, "deficiency", "list")
    assert [d["status"] for d in listed["deficiencies"]] == ["open"], listed
