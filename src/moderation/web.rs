//! The moderators' pages: the queue of reports with their decisions (`/admin/reports`) and
//! the audit log (`/admin/audit`, administrators).

use super::{
    AuditEntry,
    reports::{self, ReportView, Resolution, ResolveInput},
};
use crate::{
    accounts::Role,
    error::AppError,
    web::{CsrfForm, Ctx, FieldErrors, SignedIn, WebResult, html_status, see_other},
};
use askama::Template;
use axum::{
    Router,
    extract::{Path, Query},
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/admin/reports", get(queue))
        .route("/admin/reports/{id}/resolve", post(resolve))
        .route("/admin/audit", get(audit))
        .route("/admin", get(super::dashboard::page))
        .route("/report", get(report_form).post(report))
}

pub(super) fn require(s: &SignedIn, role: Role) -> Result<(), AppError> {
    if s.member.role() >= role {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this page is for the moderators and administrators of this server".into(),
        ))
    }
}

#[derive(Template)]
#[template(path = "moderation/reports.html")]
struct ReportsPage {
    ctx: Ctx,
    reports: Vec<(ReportView, String)>,
    all: bool,
    admin: bool,
    errors: FieldErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct QueueQuery {
    all: Option<String>,
}

async fn page(s: &SignedIn, all: bool, errors: FieldErrors, status: StatusCode) -> WebResult {
    require(s, Role::Moderator)?;
    let v = &s.visitor;
    let ctx = v.page("admin-reports-title");
    let reports = reports::list(&v.data, (!all).then(|| "open".to_string()))
        .await?
        .into_iter()
        .map(|r| {
            let at = ctx.date(&r.created_at.naive_utc());
            (r, at)
        })
        .collect();
    html_status(
        status,
        ReportsPage {
            ctx,
            reports,
            all,
            admin: s.member.role() >= Role::Admin,
            errors,
        },
    )
}

async fn queue(s: SignedIn, Query(q): Query<QueueQuery>) -> WebResult {
    page(&s, q.all.is_some(), FieldErrors::default(), StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResolveForm {
    action: String,
    note: String,
}

async fn resolve(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ResolveForm>,
) -> WebResult {
    require(&s, Role::Moderator)?;
    let v = &s.visitor;
    let Some(action) = Resolution::parse(&form.action) else {
        return Err(
            AppError::invalid("action", "invalid", "Choose what to do about the report.").into(),
        );
    };
    let result = reports::resolve(
        &v.data,
        Some(&s.member),
        id,
        ResolveInput {
            action,
            note: form.note,
        },
    )
    .await;
    match result {
        Ok(_) => Ok(see_other("/admin/reports")),
        Err(AppError::Conflict(m) | AppError::Forbidden(m)) => {
            page(&s, false, FieldErrors::general(m), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "moderation/audit.html")]
struct AuditPage {
    ctx: Ctx,
    entries: Vec<(AuditEntry, String)>,
}

async fn audit(s: SignedIn) -> WebResult {
    require(&s, Role::Admin)?;
    let v = &s.visitor;
    let ctx = v.page("admin-audit-title");
    let entries = v
        .data
        .db
        .read(|c| super::recent(c, 200))
        .await?
        .into_iter()
        .map(|e| {
            let at = ctx.date(&e.at.naive_utc());
            (e, at)
        })
        .collect();
    html_status(StatusCode::OK, AuditPage { ctx, entries })
}

/// What is reported: an account, and maybe one of its posts or a community message or job
/// offer (by ActivityPub id).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReportForm {
    account: i64,
    post: Option<i64>,
    object: Option<String>,
    reason: String,
    forward: Option<String>,
}

#[derive(Template)]
#[template(path = "moderation/report.html")]
struct ReportPage {
    ctx: Ctx,
    form: ReportForm,
    name: String,
    handle: String,
    remote: bool,
    domain: String,
    errors: FieldErrors,
    done: bool,
}

async fn report_page(
    s: &SignedIn,
    form: ReportForm,
    errors: FieldErrors,
    done: bool,
    status: StatusCode,
) -> WebResult {
    let v = &s.visitor;
    let actor = crate::actors::by_id(&v.data, form.account).await?;
    html_status(
        status,
        ReportPage {
            ctx: v.page("report-title"),
            name: actor.shown_name().to_string(),
            handle: crate::web::shown_handle(&actor),
            remote: !actor.local,
            domain: actor.domain.clone(),
            form,
            errors,
            done,
        },
    )
}

/// `GET /report?account=…[&post=…|&object=…]`: the report form.
async fn report_form(s: SignedIn, Query(form): Query<ReportForm>) -> WebResult {
    report_page(&s, form, FieldErrors::default(), false, StatusCode::OK).await
}

/// `POST /report`: files the report; the page thanks the member.
async fn report(s: SignedIn, CsrfForm(form): CsrfForm<ReportForm>) -> WebResult {
    let v = &s.visitor;
    let result = reports::report(
        &v.data,
        &s.member,
        reports::ReportInput {
            account_id: form.account,
            post_id: form.post,
            object: form.object.clone(),
            reason: form.reason.clone(),
            forward: form.forward.is_some(),
        },
    )
    .await;
    match v.form_errors(result, &["reason"])? {
        Ok(_) => report_page(&s, form, FieldErrors::default(), true, StatusCode::OK).await,
        Err(errors) => report_page(&s, form, errors, false, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}
