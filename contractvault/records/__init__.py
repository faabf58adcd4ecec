"""Records: contracts and documents as users see them.

`contracts` (create, change, list, show; every change logged), `refs` (the one id
resolver: C-3, D-17, E-42 to rows), `vocabularies` (the one validator of document types,
scopes, categories, dates), `extract` (text of PDF, HTML, TXT and MD), `filing`
(diarienummer and Ciceron references), `search` (clause search over the vault's index).
"""
