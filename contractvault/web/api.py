"""The JSON API under /api/: the same shapes as the CLI's --json (the same library
functions and result classes), for scripts and the municipality's other systems.

Scripts sign in with POST /api/login (JSON {"name", "password"}); the answer carries
the session cookie and the CSRF token that every other POST sends as X-CSRF-Token.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import JSONResponse, Response

from contractvault.access.sessions import sign_in
from contractvault.access.users import SignInFailedError, authenticate
from contractvault.authority import AuthorityRequest
from contractvault.authority.store import check
from contractvault.errors import NotFoundError, UsageError
from contractvault.followup.deficiencies import add_deficiency
from contractvault.followup.report import build_report
from contractvault.records.contracts import ContractFields, update_contract
from contractvault.records.vocabularies import (
    CATEGORIES,
    SCOPES,
    choose,
    normalize_doc_type,
    parse_date,
)
from contractvault.web import pages
from contractvault.web.framework import SESSION_COOKIE, Ctx, route


def _body(ctx: Ctx) -> dict[str, Any]:
    if not isinstance(ctx.body, dict):
        raise UsageError("the request needs a JSON object as its body")
    return ctx.body


def _int(value: Any, what: str, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"'{value}' is not a number for {what}") from exc


@route("/api/login", methods=("POST",), role=None, api=True, csrf=False)
def api_login(ctx: Ctx) -> Response:
    # No CSRF token yet: a JSON body cannot be sent across sites without CORS, which this
    # server never allows, so requiring JSON protects the sign-in (login CSRF).

    if not ctx.request.headers.get("content-type", "").startswith("application/json"):
        raise UsageError("sign in with a JSON body", "", 'e.g. {"name": ..., "password": ...}')
    data = _body(ctx)
    client = ctx.request.client
    try:
        user = authenticate(ctx.vault, str(data.get("name") or ""), str(data.get("password") or ""),
                            remote=client.host if client else "unknown")
    except SignInFailedError as exc:
        return JSONResponse({"error": {"message": exc.message, "exit_code": exc.exit_code}},
                            status_code=401)
    state = sign_in(ctx.vault, ctx.session, user)
    ctx.set_cookies.append((SESSION_COOKIE, state.token, {}))
    return ctx.json({"user": user.as_dict(), "csrf_token": state.csrf_token})


@route("/api/me", api=True)
def api_me(ctx: Ctx) -> Response:
    assert ctx.session is not None
    return ctx.json({"user": ctx.user.as_dict(), "csrf_token": ctx.session.csrf_token})


@route("/api/search", api=True)
def api_search(ctx: Ctx) -> Response:
    return ctx.json(pages.search_page(
        ctx.vault, ctx.user, ctx.param("q") or "", doc_type=ctx.param("doc_type"),
        supplier=ctx.param("supplier"), board=ctx.param("board"),
        limit=_int(ctx.param("limit"), "limit", 10) or 10))


@route("/api/contracts", api=True)
def api_contracts(ctx: Ctx) -> Response:
    filters = {k: ctx.param(k) for k in ("supplier", "board", "doc_type", "category")}
    return ctx.json({"contracts": pages.contracts_page(ctx.vault, ctx.user, **filters)})


@route("/api/contracts/{ref}", api=True)
def api_contract(ctx: Ctx) -> Response:
    return ctx.json(pages.contract_page(ctx.vault, ctx.user, ctx.request.path_params["ref"])["contract"])


@route("/api/contracts/{ref}", methods=("POST",), role="officer", api=True)
def api_contract_set(ctx: Ctx) -> Response:
    ref = pages.check_visible(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    data = _body(ctx)
    allowed = {"title", "supplier", "board", "system", "category", "scope", "personal_data",
               "third_country", "transfer_mechanism", "start", "end", "notice_months",
               "notice_basis", "renewal_months", "deletion_days", "owner", "secret", "value_sek"}
    unknown = set(data) - allowed
    if unknown:
        raise UsageError(f"unknown field(s) {', '.join(sorted(unknown))}",
                         f"use {', '.join(sorted(allowed))}")
    if "secret" in data and not ctx.user.secret_access:
        raise UsageError("only a user with secret access may change secrecy")
    renamed = {"start_date" if k == "start" else "end_date" if k == "end" else k: v
               for k, v in data.items()}
    cid = update_contract(ctx.vault, ref, ContractFields(**renamed))
    return ctx.json({"contract_id": cid})


@route("/api/contracts/{ref}/deficiencies", methods=("POST",), role="officer", api=True)
def api_deficiency_add(ctx: Ctx) -> Response:
    ref = pages.check_visible(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    data = _body(ctx)
    d = add_deficiency(ctx.vault, ref, description=str(data.get("description") or ""),
                       clause=data.get("clause"), noticed_on=data.get("noticed"),
                       notified_on=data.get("notified"), remedy_by=data.get("remedy_by"),
                       sanctions=list(data.get("sanctions") or []), note=data.get("note"))
    return ctx.json(d.as_dict())


@route("/api/documents/{ref}", api=True)
def api_document(ctx: Ctx) -> Response:
    return ctx.json(pages.document_page(ctx.vault, ctx.user, ctx.request.path_params["ref"])["document"])


@route("/api/verify/{ref}", api=True)
def api_verify(ctx: Ctx) -> Response:
    return ctx.json(pages.verify_document(ctx.vault, ctx.user, ctx.request.path_params["ref"]))


@route("/api/due", api=True)
def api_due(ctx: Ctx) -> Response:
    within = _int(ctx.param("within"), "within", 90) or 0
    data = pages.deadlines_page(ctx.vault, ctx.user, within)
    out = {"on": data["on"], "items": [i.as_dict() for i in data["items"]]}
    if data["skipped"]:  # contracts whose deadlines cannot be computed, as in `followup due`
        out["skipped"] = data["skipped"]
    return ctx.json(out)


@route("/api/deficiencies", api=True)
def api_deficiencies(ctx: Ctx) -> Response:
    return ctx.json({"deficiencies": pages.deficiencies_page(ctx.vault, ctx.user,
                                                             ctx.param("status"))})


@route("/api/report", api=True)
def api_report(ctx: Ctx) -> Response:
    # The evidence check re-hashes every blob: only when asked (?verify=1), as `report`
    # does by default; the page's background job is the better way for a large vault.
    data = build_report(ctx.vault, on=parse_date(ctx.param("on"), "on"),
                        check_evidence=ctx.param("verify") == "1")
    if not ctx.user.secret_access:
        data["findings"] = [f for f in data["findings"] if not f["secret"]]
        data["contracts"] = len(pages.contracts_page(ctx.vault, ctx.user))
    return ctx.json(data)


@route("/api/authority/check", methods=("POST",), role="officer", api=True)
def api_authority_check(ctx: Ctx) -> Response:
    data = _body(ctx)
    for needed in ("signer", "board", "doc_type"):
        if not data.get(needed):
            raise UsageError(f"the check needs '{needed}'")
    request = AuthorityRequest(
        signer=str(data["signer"]), board=str(data["board"]),
        doc_type=normalize_doc_type(str(data["doc_type"])),
        on=parse_date(data.get("date"), "date") or date.today(),
        scope=choose(data.get("scope"), SCOPES, "scope"),
        category=choose(data.get("category"), CATEGORIES, "category"),
        value_sek=_int(data.get("value"), "value"), system=data.get("system"),
        decision_ref=data.get("decision"))
    result, _ = check(ctx.vault, request)
    return ctx.json(result.to_dict(), status=200 if result.allowed else 403)


@route("/api/jobs/{job_id}", api=True)
def api_job(ctx: Ctx) -> Response:
    job = ctx.web.jobs.get(ctx.request.path_params["job_id"], ctx.user)
    if job is None:
        raise NotFoundError("no such job")
    return ctx.json(job.as_dict())
