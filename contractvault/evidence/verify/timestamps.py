"""Pass 5: the RFC 3161 tokens of the records, and where sealing times come from."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from contractvault.evidence.timestamps import CLOCK_SKEW_SECONDS, check_token, tsa_config
from contractvault.evidence.verify.state import VerifierState, _parse_time, _utc_naive
from contractvault.ids import evidence_ref
from contractvault.models import ExtraTimestampToken, TimestampToken


class TimestampChecks(VerifierState):
    """Pass 5: the RFC 3161 tokens of the records, and where sealing times come from."""

    def check_timestamps(self, seqs: set[int]) -> tuple[int, str]:
        config = tsa_config(self.vault, strict=False)
        anchors = config.anchors()
        with self.vault.session() as s:
            rows = {r.evidence_seq: r for r in s.exec(select(TimestampToken)).all()}
        token_dir = self.vault.paths.ledger / "tokens"
        files: dict[int, Path] = {}
        if token_dir.is_dir():
            for p in token_dir.glob("*.tsr"):
                if p.stem.isdigit():
                    files[int(p.stem)] = p
        good = 0
        stray = (set(rows) | set(files)) - {ln.pos for ln in self.lines}
        for seq in sorted(q for q in stray if not self.is_late(q)):
            self.fail(evidence_ref(seq), "timestamp", "a timestamp token for a record the ledger "
                      "does not have")
        note_missing_ca = False
        for seq in sorted(seqs):
            rid = evidence_ref(seq)
            row, path = rows.get(seq), files.get(seq)
            if row is None and path is None:
                continue
            file_bytes = path.read_bytes() if path is not None else None
            if row is not None and file_bytes is not None and bytes(row.token) != file_bytes:
                self.fail(rid, "timestamp", "the token file and the database copy differ")
            if row is None:
                self.warn(rid, "timestamp", "the token file has no database row; "
                          "'contractvault timestamp' adopts it")
            elif file_bytes is None:
                self.fail(rid, "timestamp", f"ledger/tokens/{seq}.tsr is missing "
                          "(the database still has the token)")
            token = bytes(row.token) if row is not None else file_bytes
            assert token is not None
            line = self.entry_for(seq)
            if line is None or line.computed is None:
                continue
            check = check_token(token, line.computed, anchors)
            for problem in check.problems:
                self.fail(rid, "timestamp", problem)
            if check.notes:
                note_missing_ca = True
            if check.info is None or check.problems:
                continue
            if row is not None and abs(_utc_naive(row.gen_time) - _utc_naive(check.info.gen_time)) \
                    > timedelta(seconds=1):
                self.fail(rid, "timestamp", "the database's time of the token differs from the token")
            sealed = _parse_time(line.entry.record.get("sealed_at")) if line.entry else None
            gen = _utc_naive(check.info.gen_time)
            if sealed is not None and sealed - gen > timedelta(seconds=CLOCK_SKEW_SECONDS):
                self.warn(rid, "timestamp", f"the vault's clock said {sealed.isoformat()}Z, the TSA "
                          f"said {gen.isoformat()}Z: the local clock was ahead")
            good += 1
            self.tsa_counts[row.tsa_url if row is not None else "?"] = \
                self.tsa_counts.get(row.tsa_url if row is not None else "?", 0) + 1
        self.check_extra_timestamps(seqs, anchors)
        if note_missing_ca:
            self.warn("tsa", "timestamp", "no TSA CA certificate is pinned, so token signatures were "
                      "not checked; pin one with 'contractvault key tsa URL --ca FILE'")
        missing = [q for q in sorted(seqs) if q not in rows and q not in files]
        if config.url or rows or files:
            for q in missing:
                self.warn(evidence_ref(q), "timestamp", "no timestamp: the sealing time rests on "
                          "the local clock ('contractvault timestamp' asks the TSA again)")
        if seqs and good == len(seqs):
            source = "tsa"
        elif good:
            source = "partly-tsa"
        else:
            source = "local-clock"
            if not (config.url or rows or files):
                self.warn("vault", "time", "no TSA is configured: sealing times rest on the local "
                          "clock of the computer that sealed them")
        return good, source

    def check_extra_timestamps(self, seqs: set[int], anchors: list) -> None:  # noqa: ANN001
        """Tokens from further TSAs: each row has its file, and each token holds."""
        with self.vault.session() as s:
            rows = list(s.exec(select(ExtraTimestampToken)).all())
        token_dir = self.vault.paths.ledger / "tokens"
        files = {p.stem: p for p in token_dir.glob("*-*.tsr")} if token_dir.is_dir() else {}
        known = {ln.pos for ln in self.lines}
        for row in rows:
            rid = evidence_ref(row.evidence_seq)
            name = f"{row.evidence_seq}-{row.tsa_id}"
            files.pop(name, None)
            if row.evidence_seq not in known:
                self.fail(rid, "timestamp", f"a token from {row.tsa_url} for a record the ledger "
                          "does not have")
                continue
            if row.evidence_seq not in seqs:
                continue
            path = self.vault.paths.token(row.evidence_seq, row.tsa_id)
            if not path.is_file():
                self.fail(rid, "timestamp", f"ledger/tokens/{name}.tsr (from {row.tsa_url}) is "
                          "missing (the database still has the token)")
            elif path.read_bytes() != bytes(row.token):
                self.fail(rid, "timestamp", f"the token file from {row.tsa_url} and the database "
                          "copy differ")
            line = self.entry_for(row.evidence_seq)
            if line is None or line.computed is None:
                continue
            check = check_token(bytes(row.token), line.computed, anchors)
            for problem in check.problems:
                self.fail(rid, "timestamp", f"the token from {row.tsa_url}: {problem}")
            if check.info is not None and not check.problems:
                self.tsa_counts[row.tsa_url] = self.tsa_counts.get(row.tsa_url, 0) + 1
        with self.vault.session() as s:
            first = {r.evidence_seq: r.tsa_url for r in s.exec(select(TimestampToken)).all()}
        have: dict[int, set[str]] = {q: {u} for q, u in first.items()}
        for row in rows:
            have.setdefault(row.evidence_seq, set()).add(row.tsa_url)
        urls = tsa_config(self.vault, strict=False).urls
        for seq in sorted(seqs):
            if seq in have:  # a record with no token at all is reported above
                for url in urls:
                    if url not in have[seq]:
                        self.warn(evidence_ref(seq), "timestamp", f"no token from the TSA at "
                                  f"{url} yet ('contractvault timestamp' asks it)")
        for name in sorted(files):
            seq = name.split("-", 1)[0]
            self.warn(evidence_ref(int(seq)) if seq.isdigit() else name, "timestamp",
                      f"ledger/tokens/{name}.tsr has no database row; 'contractvault timestamp' "
                      "asks that TSA again")
