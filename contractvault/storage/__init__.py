"""Storage: what the vault keeps on disk and in its database, knowing nothing above it.

`blobs` (content-addressed, read-only files), `ledger` (the append-only signed record
file and its checkpoints), `keys` (the Ed25519 signing keys), `sealcert` (the PDF seal's ECDSA key and
certificate), `signednote` (C2SP checkpoint notes), `db` (engine and named
migrations), `rfc3161` (the TSA client), `clauses` (the clause index over the vault's
documents, from the `index` leaf package, and the queue of sealed documents still to be
indexed), `rowseal` (the sealed form of the rows that are evidence besides documents).
"""
