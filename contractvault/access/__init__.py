"""Who may do what: users and roles, sign-in (local argon2id passwords or OpenID Connect),
throttling, browser sessions, personal calendar feed tokens, and the sealed log of every
view of a secret contract.

Roles rank reader < officer < admin; `secret_access` is a separate flag. The web
interface and the `user` commands are thin faces over this package.
"""
