"""Exports: copies of the archive for others.

`bundle` (an evidence bundle a third party checks with openssl and sha256sum),
`diarium` (an E-ARK SIP for the records system; its parts in `package`, `erms` and
`mets`), `ciceron` (the CSV copy for Ciceron's contract database).
"""
