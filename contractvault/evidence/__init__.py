"""Evidence: everything that seals, and checking what was sealed.

`sealing` (seal a document, link its authority decision and index it, in one call),
`ingest` (add files), `capture` (click-through agreements through the `capture` leaf
package, and recheck), `corrections` (supersede: a new record pointing at the old),
`timestamps` (RFC 3161 tokens after sealing and later), `verify` (every check, in passes),
`interrupted` (an acceptance clicked but never sealed: the note before the click, the
incomplete evidence after), `doctor` (what killed writers left behind), `pades`
(PAdES-sealed PDF copies and the seal identity).
"""
