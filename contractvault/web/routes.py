"""The pages. Each handler parses the request, calls one library or page-data function,
and renders or redirects; exceptions are mapped in `app.WebApp.handle`."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response

from contractvault.access.audit import log_secret_access
from contractvault.access.policy import can_see, visible_document
from contractvault.access.sessions import end_session, save_data, sign_in
from contractvault.access.users import (
    SignInFailedError,
    ThrottledError,
    add_user,
    authenticate,
    disable_user,
    feed_user,
    list_users,
    new_feed_token,
    oidc_sign_in,
)
from contractvault.authority import AuthorityRequest
from contractvault.authority.store import check, delegation_decisions, import_register
from contractvault.errors import NotFoundError, UsageError
from contractvault.evidence.ingest import add_files
from contractvault.evidence.recheck import recheck
from contractvault.exports.ciceron import export_ciceron
from contractvault.exports.diarium import export_diarium
from contractvault.followup import record_followup
from contractvault.followup.deficiencies import (
    add_deficiency,
    resolve_deficiency,
    update_deficiency,
)
from contractvault.ids import parse_ref
from contractvault.models import Contract
from contractvault.records.contracts import ContractFields, create_contract, update_contract
from contractvault.records.filing import register
from contractvault.records.search import reindex
from contractvault.records.vocabularies import (
    CATEGORIES,
    DOC_TYPES,
    NOTICE_BASES,
    SCOPES,
    TRANSFER_MECHANISMS,
    choose,
    normalize_doc_type,
    parse_date,
)
from contractvault.web import pages
from contractvault.web.framework import LANG_COOKIE, SESSION_COOKIE, Ctx, route, safe_next
from contractvault.web.i18n import LANGUAGES
from contractvault.web.jobs import JobOutput

CATEGORY_CHOICES = CATEGORIES


def _int(value: str | None, what: str, default: int | None = None) -> int | None:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise UsageError(f"'{value}' is not a number for {what}") from exc


def _upload_name(sent: str, fallback: str) -> str:
    """The file name of an upload, without any folder part (never '..')."""
    name = Path(sent.replace("\\", "/")).name.replace("\x00", "").strip()
    return name if name not in ("", ".", "..") else fallback


def _remote(ctx: Ctx) -> str:
    client = ctx.request.client
    return client.host if client else "unknown"


def _file_response(f: pages.StoredFile, *, frame: bool = False) -> Response:
    disposition = "inline" if f.inline else "attachment"
    headers = {"Content-Disposition": f"{disposition}; filename=\"{f.filename}\"",
               "Cache-Control": "private, no-store"}
    if frame:
        # The document page shows the PDF in a frame of this site, and only of this site.
        headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        headers["X-Frame-Options"] = "SAMEORIGIN"
    elif f.media_type.startswith("image/"):
        headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    else:
        headers["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    return FileResponse(f.path, media_type=f.media_type, headers=headers,
                        content_disposition_type=disposition, filename=f.filename)


# --- sign-in -----------------------------------------------------------------------------


@route("/login", role=None)
def login_form(ctx: Ctx) -> Response:
    if ctx.session is not None and ctx.session.user is not None:
        return ctx.redirect(safe_next(ctx.param("next")))
    if ctx.session is None:
        ctx.web.new_anonymous(ctx)
    return ctx.render("login.html", next=safe_next(ctx.param("next")), error=None, name="")


@route("/login", methods=("POST",), role=None)
def login(ctx: Ctx) -> Response:
    name = ctx.field("name") or ""
    password = ctx.form.get("password") if ctx.form is not None else None
    nxt = safe_next(ctx.field("next"))
    try:
        user = authenticate(ctx.vault, name, password if isinstance(password, str) else "",
                            remote=_remote(ctx))
    except ThrottledError as exc:
        response = ctx.render("login.html", status=429, next=nxt, name=name,
                              error=ctx.gettext("Too many failed sign-ins. Try again in "
                                                "%(minutes)s minute(s).") % {
                                  "minutes": max(1, (exc.retry_after + 59) // 60)})
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except SignInFailedError:
        return ctx.render("login.html", status=401, next=nxt, name=name,
                          error=ctx.gettext("Sign-in failed: unknown user name or wrong password."))
    state = sign_in(ctx.vault, ctx.session, user)
    ctx.set_cookies.append((SESSION_COOKIE, state.token, {}))
    return ctx.redirect(nxt)


@route("/logout", methods=("POST",), role="reader")
def logout(ctx: Ctx) -> Response:
    assert ctx.session is not None
    end_session(ctx.vault, ctx.session.token)
    ctx.set_cookies.append((SESSION_COOKIE, "", {"delete": True}))
    return ctx.redirect("/login")


@route("/login/oidc", role=None)
def oidc_start(ctx: Ctx) -> Response:
    if ctx.web.oidc is None:
        raise NotFoundError("sign-in with an identity provider is not set up")
    state = ctx.session if ctx.session is not None and ctx.session.user is None else None
    if state is None:
        state = ctx.web.new_anonymous(ctx)
    url, pending = ctx.web.oidc.start(_redirect_uri(ctx))
    state.data["oidc"] = pending
    state.data["next"] = safe_next(ctx.param("next"))
    save_data(ctx.vault, state)
    return RedirectResponse(url, status_code=303)


def _redirect_uri(ctx: Ctx) -> str:
    return f"{ctx.request.url.scheme}://{ctx.request.url.netloc}/auth/callback"


@route("/auth/callback", role=None)
def oidc_callback(ctx: Ctx) -> Response:
    if ctx.web.oidc is None:
        raise NotFoundError("sign-in with an identity provider is not set up")
    pending = ctx.session.data.get("oidc") if ctx.session is not None else None
    identity = ctx.web.oidc.finish(dict(ctx.request.query_params), pending, _redirect_uri(ctx))
    user = oidc_sign_in(ctx.vault, issuer=identity.issuer, subject=identity.subject,
                        name=identity.name, role=identity.role,
                        secret_access=identity.secret_access)
    nxt = safe_next(ctx.session.data.get("next") if ctx.session else None)
    state = sign_in(ctx.vault, ctx.session, user)
    ctx.set_cookies.append((SESSION_COOKIE, state.token, {}))
    return ctx.redirect(nxt)


@route("/lang/{lang}", role=None)
def switch_language(ctx: Ctx) -> Response:
    lang = ctx.request.path_params["lang"]
    if lang not in LANGUAGES:
        raise NotFoundError(f"no language {lang}")
    ctx.set_cookies.append((LANG_COOKIE, lang, {"max_age": 365 * 24 * 3600}))
    return ctx.redirect(safe_next(ctx.param("next")))


# --- dashboard and search ------------------------------------------------------------------


@route("/")
def dashboard(ctx: Ctx) -> Response:
    return ctx.render("dashboard.html", **pages.dashboard(ctx.vault, ctx.user))


@route("/search")
def search(ctx: Ctx) -> Response:
    q = ctx.param("q")
    filters = {"doc_type": ctx.param("doc_type"), "supplier": ctx.param("supplier"),
               "board": ctx.param("board")}
    limit = _int(ctx.param("limit"), "limit", 20) or 20
    result = None
    if q:
        result = pages.search_page(ctx.vault, ctx.user, q, limit=limit, **filters)

    return ctx.render("search.html", q=q or "", result=result, filters=filters, limit=limit,
                      doc_types=DOC_TYPES)


# --- contracts ---------------------------------------------------------------------------


@route("/contracts")
def contracts(ctx: Ctx) -> Response:
    filters = {k: ctx.param(k) for k in ("supplier", "board", "doc_type", "category")}
    items = pages.contracts_page(ctx.vault, ctx.user, **filters)
    return ctx.render("contracts.html", contracts=items, filters=filters, doc_types=DOC_TYPES,
                      categories=CATEGORY_CHOICES)


@route("/contracts", methods=("POST",), role="officer")
def contract_create(ctx: Ctx) -> Response:
    secret = ctx.field("secret") == "yes" if ctx.user.secret_access else None
    cid = create_contract(ctx.vault, ctx.field("title") or "",
                          ContractFields(supplier=ctx.field("supplier"), board=ctx.field("board"),
                                         secret=secret))
    return ctx.redirect(f"/contracts/{cid}?done=created")


@route("/contracts/{ref}")
def contract(ctx: Ctx) -> Response:
    data = pages.contract_page(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    return ctx.render("contract.html", **data, done=ctx.param("done"), doc_types=DOC_TYPES,
                      categories=CATEGORY_CHOICES, scopes=SCOPES, mechanisms=TRANSFER_MECHANISMS,
                      notice_bases=NOTICE_BASES)


def _tristate(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@route("/contracts/{ref}", methods=("POST",), role="officer")
def contract_edit(ctx: Ctx) -> Response:
    ref = pages.check_visible(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    meta = ContractFields(
        title=ctx.field("title"), supplier=ctx.field("supplier"), board=ctx.field("board"),
        system=ctx.field("system"), category=ctx.field("category"), scope=ctx.field("scope"),
        personal_data=_tristate(ctx.field("personal_data")),
        third_country=_tristate(ctx.field("third_country")),
        transfer_mechanism=ctx.field("transfer_mechanism"), start_date=ctx.field("start"),
        end_date=ctx.field("end"), notice_months=_int(ctx.field("notice_months"), "notice months"),
        notice_basis=ctx.field("notice_basis"),
        renewal_months=_int(ctx.field("renewal_months"), "renewal months"),
        deletion_days=_int(ctx.field("deletion_days"), "deletion days"), owner=ctx.field("owner"),
        value_sek=_int(ctx.field("value_sek"), "value"),
        # Only someone who may see secret contracts may change secrecy (else they could
        # hide a contract from themselves, or reveal one they never saw).
        secret=_tristate(ctx.field("secret")) if ctx.user.secret_access else None)
    update_contract(ctx.vault, ref, meta)
    return ctx.redirect(f"/contracts/{ref}?done=saved")


@route("/contracts/{ref}/register", methods=("POST",), role="officer")
def contract_register(ctx: Ctx) -> Response:
    ref = pages.check_visible(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    register(ctx.vault, ref, diarienummer=ctx.field("diarienummer"), ciceron=ctx.field("ciceron"))
    return ctx.redirect(f"/contracts/{ref}?done=registered")


@route("/contracts/{ref}/deficiencies", methods=("POST",), role="officer")
def deficiency_add(ctx: Ctx) -> Response:
    ref = pages.check_visible(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    sanctions = ctx.form.getlist("sanction") if ctx.form is not None else []
    d = add_deficiency(ctx.vault, ref, description=ctx.field("description") or "",
                       clause=ctx.field("clause"), noticed_on=ctx.field("noticed"),
                       notified_on=ctx.field("notified"), remedy_by=ctx.field("remedy_by"),
                       sanctions=[s for s in sanctions if isinstance(s, str) and s],
                       note=ctx.field("note"))
    return ctx.redirect(f"/contracts/{ref}?done=deficiency#{d.deficiency_id}")


@route("/contracts/{ref}/followups", methods=("POST",), role="officer")
def followup_add(ctx: Ctx) -> Response:
    ref = pages.check_visible(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    people = (ctx.field("participants") or "").replace(";", ",").split(",")
    record_followup(ctx.vault, ref, held_on=ctx.field("held_on"),
                    kind=ctx.field("kind") or "meeting", participants=people,
                    notes=ctx.field("notes") or "")
    return ctx.redirect(f"/contracts/{ref}?done=followup#followups")


@route("/contracts/{ref}/documents", methods=("POST",), role="officer")
def document_add(ctx: Ctx) -> Response:
    ref = pages.check_visible(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    upload = ctx.form.get("file") if ctx.form is not None else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UsageError("no file was sent", "", "Choose a file to add")
    work = ctx.vault.new_temp_dir("upload-")
    try:
        target = work / _upload_name(upload.filename, "document")
        with target.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh)
        result = add_files(ctx.vault, [target], doc_type=ctx.field("doc_type") or "ovrigt",
                           contract=ref)
    finally:
        ctx.vault.remove_temp_dir(work)
    if result.errors:
        raise UsageError(f"{result.errors[0]['file']} was not added", result.errors[0]["error"])
    return ctx.redirect(f"/documents/{result.document_ids[0]}?done=added")


@route("/contracts/{ref}/export-diarium", methods=("POST",), role="officer")
def export_diarium_job(ctx: Ctx) -> Response:
    ref = pages.check_visible(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    user = ctx.user

    def run(vault: Any, folder: Path, progress: Any) -> JobOutput:
        with vault.session() as s:
            c = s.get(Contract, parse_ref(ref, "contract")[1])
            secret = bool(c and c.secret)
        if secret:
            log_secret_access(vault, user, parse_ref(ref, "contract")[1], action="export",
                              what=f"{ref} diarium SIP")
        res = export_diarium(vault, ref, folder / "sip", progress=progress)
        return _zipped(folder, folder / "sip", f"{ref}-diarium-sip", res.as_dict())

    job = ctx.web.jobs.submit(ctx.user, "export-diarium", f"Diarium SIP {ref}", run)
    return ctx.redirect(f"/jobs/{job.id}")


def _zipped(folder: Path, src: Path, name: str, data: dict[str, Any]) -> JobOutput:
    archive = shutil.make_archive(str(folder / name), "zip", root_dir=src.parent,
                                  base_dir=src.name)
    shutil.rmtree(src, ignore_errors=True)
    data = {k: v for k, v in data.items() if k != "path"}
    return JobOutput(data=data, file=Path(archive), filename=f"{name}.zip")


# --- documents ---------------------------------------------------------------------------


@route("/documents/{ref}")
def document(ctx: Ctx) -> Response:
    clause = ctx.param("clause")
    page = _int(ctx.param("page"), "page")
    ref = ctx.request.path_params["ref"]
    data = pages.document_page(ctx.vault, ctx.user, ref, clause=clause, page=page)
    user = ctx.user

    def run(vault: Any, _folder: Path, progress: Any) -> JobOutput:
        return JobOutput(data=pages.verify_document(vault, user, ref, progress=progress))

    check = ctx.web.jobs.seal_check(ctx.user, data["document"]["document_id"], run)
    return ctx.render("document.html", **data, done=ctx.param("done"), check=check)


@route("/documents/{ref}/file")
def document_file(ctx: Ctx) -> Response:
    f = pages.document_file(ctx.vault, ctx.user, ctx.request.path_params["ref"])
    return _file_response(f, frame=f.media_type == "application/pdf")


@route("/documents/{ref}/download")
def document_download(ctx: Ctx) -> Response:
    return _file_response(pages.document_file(ctx.vault, ctx.user, ctx.request.path_params["ref"],
                                              download=True))


@route("/documents/{ref}/artifacts/{name}")
def document_artifact(ctx: Ctx) -> Response:
    p = ctx.request.path_params
    f = pages.document_file(ctx.vault, ctx.user, p["ref"], p["name"],
                            download=ctx.param("download") == "1")
    return _file_response(f)


@route("/documents/{ref}/bundle")
def document_bundle(ctx: Ctx) -> Response:
    ref = ctx.request.path_params["ref"]
    work = ctx.vault.new_temp_dir("bundle-")
    try:
        bundle = pages.evidence_bundle(ctx.vault, ctx.user, ref, work / "bundle.zip")
    except BaseException:
        ctx.vault.remove_temp_dir(work)
        raise
    name = f"evidence-{bundle.evidence_id}.zip"
    return FileResponse(bundle.path, media_type="application/zip", filename=name,
                        headers={"Cache-Control": "private, no-store"},
                        background=BackgroundTask(ctx.vault.remove_temp_dir, work))


@route("/documents/{ref}/recheck", methods=("POST",), role="officer")
def recheck_job(ctx: Ctx) -> Response:
    ref = ctx.request.path_params["ref"]
    with ctx.vault.session() as s:

        visible_document(s, ctx.user, ref)

    def run(vault: Any, _folder: Path, progress: Any) -> JobOutput:
        steps = {"n": 0}

        def step(_what: str) -> None:
            steps["n"] += 1
            progress(steps["n"], 0)

        return JobOutput(data=recheck(vault, ref, progress=step).as_dict())

    job = ctx.web.jobs.submit(ctx.user, "recheck", f"Recheck {ref}", run)
    return ctx.redirect(f"/jobs/{job.id}")


# --- deadlines and the calendar feed -------------------------------------------------------


@route("/deadlines")
def deadlines(ctx: Ctx) -> Response:
    within = _int(ctx.param("within"), "within", 90) or 90
    return ctx.render("deadlines.html", **pages.deadlines_page(ctx.vault, ctx.user, within),
                      feed_url=None)


@route("/deadlines/feed", methods=("POST",))
def new_feed(ctx: Ctx) -> Response:
    token = new_feed_token(ctx.vault, ctx.user.name)
    url = f"{ctx.request.url.scheme}://{ctx.request.url.netloc}/feed/{quote(token)}.ics"
    return ctx.render("deadlines.html", **pages.deadlines_page(ctx.vault, ctx.user),
                      feed_url=url)


@route("/feed/{token}.ics", role=None)
def feed(ctx: Ctx) -> Response:
    user = feed_user(ctx.vault, ctx.request.path_params["token"])
    if user is None:
        raise NotFoundError("no such calendar")
    return Response(pages.feed_calendar(ctx.vault, user), media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=900",
                             "Content-Disposition": "inline; filename=\"avtal.ics\""})


# --- deficiencies ------------------------------------------------------------------------


@route("/deficiencies")
def deficiencies(ctx: Ctx) -> Response:
    status = ctx.param("status")
    return ctx.render("deficiencies.html", status_filter=status,
                      deficiencies=pages.deficiencies_page(ctx.vault, ctx.user, status))


@route("/deficiencies/{ref}", methods=("POST",), role="officer")
def deficiency_change(ctx: Ctx) -> Response:
    ref = ctx.request.path_params["ref"]
    pages.check_deficiency_visible(ctx.vault, ctx.user, ref)
    if ctx.field("action") == "resolve":
        resolve_deficiency(ctx.vault, ref, resolved_on=ctx.field("date"), note=ctx.field("note"))
    else:
        update_deficiency(ctx.vault, ref, notified_on=ctx.field("notified"),
                          remedy_by=ctx.field("remedy_by"), note=ctx.field("note"))
    return ctx.redirect(f"/deficiencies#{ref}")


# --- authority ---------------------------------------------------------------------------


@route("/authority")
def authority(ctx: Ctx) -> Response:
    return ctx.render("authority.html", page=pages.authority_page(ctx.vault, ctx.user),
                      result=None, decisions=None, doc_types=DOC_TYPES, scopes=SCOPES,
                      categories=CATEGORY_CHOICES, form={})


@route("/authority/check", methods=("POST",), role="officer")
def authority_check(ctx: Ctx) -> Response:
    form = {k: ctx.field(k) for k in ("signer", "board", "doc_type", "scope", "category",
                                      "value", "system", "date", "decision")}
    if not form["signer"] or not form["board"] or not form["doc_type"]:
        raise UsageError("the check needs a signer, a board and a document type")
    request = AuthorityRequest(
        signer=form["signer"], board=form["board"], doc_type=normalize_doc_type(form["doc_type"]),
        on=parse_date(form["date"], "date") or date.today(),
        scope=choose(form["scope"], SCOPES, "scope"),
        category=choose(form["category"], CATEGORIES, "category"),
        value_sek=_int(form["value"], "value"), system=form["system"],
        decision_ref=form["decision"])
    result, _ = check(ctx.vault, request)
    return ctx.render("authority.html", page=pages.authority_page(ctx.vault, ctx.user),
                      result=result.to_dict(), decisions=None, doc_types=DOC_TYPES,
                      scopes=SCOPES, categories=CATEGORY_CHOICES, form=form)


@route("/authority/import", methods=("POST",), role="admin")
def authority_import(ctx: Ctx) -> Response:
    upload = ctx.form.get("file") if ctx.form is not None else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UsageError("no register file was sent", "", "Choose the TOML file")
    work = ctx.vault.new_temp_dir("register-")
    try:
        target = work / _upload_name(upload.filename, "register.toml")
        with target.open("wb") as fh:
            shutil.copyfileobj(upload.file, fh)
        import_register(ctx.vault, target)
    finally:
        ctx.vault.remove_temp_dir(work)
    return ctx.redirect("/authority?done=imported")


@route("/authority/decisions")
def authority_decisions(ctx: Ctx) -> Response:
    board, start, end = ctx.param("board"), ctx.param("from"), ctx.param("to")
    if not board or not start or not end:
        raise UsageError("the decisions report needs a board, a first and a last date")
    d0, d1 = parse_date(start, "from"), parse_date(end, "to")
    assert d0 is not None and d1 is not None
    data = delegation_decisions(ctx.vault, board, d0, d1)
    with ctx.vault.session() as s:

        kept = []
        for item in data["decisions"]:
            c = s.get(Contract, parse_ref(item["contract_id"], "contract")[1]) \
                if item["contract_id"] else None
            if c is None or can_see(ctx.user, c):
                kept.append(item)
        data["decisions"] = kept
    return ctx.render("authority.html", page=pages.authority_page(ctx.vault, ctx.user),
                      result=None, decisions=data, doc_types=DOC_TYPES, scopes=SCOPES,
                      categories=CATEGORY_CHOICES, form={})


# --- exports and jobs --------------------------------------------------------------------


@route("/exports", role="officer")
def exports(ctx: Ctx) -> Response:
    return ctx.render("exports.html", contracts=pages.contracts_page(ctx.vault, ctx.user),
                      jobs=ctx.web.jobs.of(ctx.user))


@route("/exports/ciceron", methods=("POST",), role="officer")
def export_ciceron_job(ctx: Ctx) -> Response:
    user = ctx.user

    def run(vault: Any, folder: Path, progress: Any) -> JobOutput:
        res = export_ciceron(vault, folder / "ciceron", include_secret=user.secret_access,
                             progress=progress)
        data = res.as_dict()
        if user.secret_access:

            with vault.session() as s:
                secret = [c for c in res.contracts
                          if (row := s.get(Contract, parse_ref(c, "contract")[1])) and row.secret]
            for c in secret:
                log_secret_access(vault, user, parse_ref(c, "contract")[1], action="export",
                                  what="Ciceron export")
        return _zipped(folder, folder / "ciceron", "ciceron-export", data)

    job = ctx.web.jobs.submit(ctx.user, "export-ciceron", "Ciceron CSV", run)
    return ctx.redirect(f"/jobs/{job.id}")


@route("/jobs/verify", methods=("POST",), role="officer")
def verify_job(ctx: Ctx) -> Response:
    user = ctx.user

    def run(vault: Any, _folder: Path, progress: Any) -> JobOutput:
        return JobOutput(data=pages.verify_all(vault, user, progress=progress))

    job = ctx.web.jobs.submit(ctx.user, "verify", "Verify the whole vault", run)
    return ctx.redirect(f"/jobs/{job.id}")


@route("/jobs/reindex", methods=("POST",), role="admin")
def reindex_job(ctx: Ctx) -> Response:
    def run(vault: Any, _folder: Path, progress: Any) -> JobOutput:
        return JobOutput(data=reindex(vault, progress=progress))

    job = ctx.web.jobs.submit(ctx.user, "reindex", "Rebuild the search index", run)
    return ctx.redirect(f"/jobs/{job.id}")


@route("/jobs")
def jobs(ctx: Ctx) -> Response:
    return ctx.render("jobs.html", jobs=ctx.web.jobs.of(ctx.user))


@route("/jobs/{job_id}")
def job(ctx: Ctx) -> Response:
    found = ctx.web.jobs.get(ctx.request.path_params["job_id"], ctx.user)
    if found is None:
        raise NotFoundError("no such job", "jobs are kept until the server restarts")
    return ctx.render("job.html", job=found)


@route("/jobs/{job_id}/download")
def job_download(ctx: Ctx) -> Response:
    found = ctx.web.jobs.get(ctx.request.path_params["job_id"], ctx.user)
    if found is None or found.output is None or found.output.file is None:
        raise NotFoundError("no such file", "jobs are kept until the server restarts")
    return FileResponse(found.output.file, media_type=found.output.media_type,
                        filename=found.output.filename,
                        headers={"Cache-Control": "private, no-store"})


# --- users -------------------------------------------------------------------------------


@route("/users", role="admin")
def users(ctx: Ctx) -> Response:
    return ctx.render("users.html", users=list_users(ctx.vault), done=ctx.param("done"))


@route("/users", methods=("POST",), role="admin")
def user_add(ctx: Ctx) -> Response:
    password = ctx.form.get("password") if ctx.form is not None else None
    add_user(ctx.vault, ctx.field("name") or "", ctx.field("role") or "reader",
             password=password if isinstance(password, str) and password else None,
             secret_access=ctx.field("secret_access") == "yes")
    return ctx.redirect("/users?done=added")


@route("/users/{name}/disable", methods=("POST",), role="admin")
def user_disable(ctx: Ctx) -> Response:
    disable_user(ctx.vault, ctx.request.path_params["name"])
    return ctx.redirect("/users?done=disabled")
