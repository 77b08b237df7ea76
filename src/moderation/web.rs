//! The moderators' pages: the queue of reports with their decisions (`/admin/reports`),
//! decisions about single accounts (`/admin/accounts`: suspend, limit, lift) and the audit log
//! (`/admin/audit`, administrators).

use super::{
    AuditEntry,
    reports::{self, ReportView, Resolution, ResolveInput},
    restrictions::{self, AccountAction, AccountModerationInput, AccountStanding},
};
use crate::{
    accounts::Role,
    error::AppError,
    web::{CsrfForm, Ctx, FieldErrors, SignedIn, WebResult, html, html_status, see_other},
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
        .route("/admin/accounts", get(accounts))
        .route("/admin/accounts/{id}", get(account).post(moderate))
        .route("/admin/accounts/{id}/suspend", get(confirm_suspend))
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
    /// Set by the confirmation page of a suspension.
    confirmed: Option<String>,
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
    if action == Resolution::Suspend && form.confirmed.is_none() {
        let report = reports::one(&v.data, id).await?;
        return confirm_page(
            &s,
            &report.account,
            format!("/admin/reports/{id}/resolve"),
            vec![("action", "suspend".into())],
            ("note", form.note),
            "/admin/reports".into(),
        );
    }
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

#[derive(Template)]
#[template(path = "moderation/accounts.html")]
struct AccountsPage {
    ctx: Ctx,
    handle: String,
    accounts: Vec<(AccountStanding, String)>,
    errors: FieldErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AccountsQuery {
    handle: String,
}

/// `GET /admin/accounts[?handle=…]`: the suspended and limited accounts, and a form to find an
/// account known here by its handle.
async fn accounts(s: SignedIn, Query(q): Query<AccountsQuery>) -> WebResult {
    require(&s, Role::Moderator)?;
    let v = &s.visitor;
    let handle = q.handle.trim().to_string();
    let mut errors = FieldErrors::default();
    let mut status = StatusCode::OK;
    if !handle.is_empty() {
        match restrictions::known_by_handle(&v.data, &handle).await {
            Ok(actor) => return Ok(see_other(&format!("/admin/accounts/{}", actor.id))),
            Err(AppError::NotFound(m)) => {
                errors = v
                    .form_errors::<()>(Err(AppError::invalid("handle", "unknown", m)), &["handle"])?
                    .err()
                    .unwrap_or_default();
                status = StatusCode::NOT_FOUND;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let ctx = v.page("admin-accounts-title");
    let accounts = restrictions::list(&v.data)
        .await?
        .into_iter()
        .map(|a| {
            let label = ctx.label("admin-account-status", &a.status);
            (a, label)
        })
        .collect();
    html_status(
        status,
        AccountsPage {
            ctx,
            handle,
            accounts,
            errors,
        },
    )
}

#[derive(Template)]
#[template(path = "moderation/account.html")]
struct AccountPage {
    ctx: Ctx,
    standing: AccountStanding,
    status: String,
    since: String,
    profile: Option<String>,
    reason: String,
    errors: FieldErrors,
}

async fn account_page(
    s: &SignedIn,
    id: i64,
    reason: String,
    errors: FieldErrors,
    code: StatusCode,
) -> WebResult {
    require(s, Role::Moderator)?;
    let v = &s.visitor;
    let standing = restrictions::account_standing(&v.data, id).await?;
    let ctx = v.page_titled(v.t_with(
        "admin-account-title",
        "handle",
        &format!("@{}", standing.account.handle),
    ));
    let since = standing
        .since
        .map(|d| ctx.date(&d.naive_utc()))
        .unwrap_or_default();
    let profile = (standing.status != "suspended" || standing.account.local).then(|| {
        if standing.account.local {
            format!("/@{}", standing.account.username)
        } else {
            format!("/@{}", standing.account.handle)
        }
    });
    html_status(
        code,
        AccountPage {
            status: ctx.label("admin-account-status", &standing.status),
            ctx,
            since,
            profile,
            standing,
            reason,
            errors,
        },
    )
}

/// `GET /admin/accounts/{id}`: an account's standing and the decisions a moderator can take.
async fn account(s: SignedIn, Path(id): Path<i64>) -> WebResult {
    account_page(
        &s,
        id,
        String::new(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ModerateForm {
    action: String,
    reason: String,
    /// Set by the confirmation page of a suspension.
    confirmed: Option<String>,
}

/// `POST /admin/accounts/{id}`: suspend (after the confirmation page), limit or lift.
async fn moderate(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ModerateForm>,
) -> WebResult {
    require(&s, Role::Moderator)?;
    let v = &s.visitor;
    let Some(action) = AccountAction::parse(&form.action) else {
        return Err(
            AppError::invalid("action", "invalid", "Choose suspend, limit or lift.").into(),
        );
    };
    if action == AccountAction::Suspend && form.confirmed.is_none() {
        return suspend_page(&s, id, form.reason).await;
    }
    let result = restrictions::moderate(
        &v.data,
        Some(&s.member),
        id,
        AccountModerationInput {
            action,
            reason: form.reason.clone(),
        },
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/admin/accounts/{id}"))),
        Err(AppError::Conflict(m)) => {
            account_page(
                &s,
                id,
                form.reason,
                FieldErrors::general(m),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => {
            // field errors shown on the page; anything else becomes its error page
            let errors = v
                .form_errors(Err::<(), _>(e), &["reason"])?
                .err()
                .unwrap_or_default();
            account_page(
                &s,
                id,
                form.reason,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `GET /admin/accounts/{id}/suspend`: what a suspension does, and the button that does it.
async fn confirm_suspend(s: SignedIn, Path(id): Path<i64>) -> WebResult {
    suspend_page(&s, id, String::new()).await
}

async fn suspend_page(s: &SignedIn, id: i64, reason: String) -> WebResult {
    require(s, Role::Moderator)?;
    let standing = restrictions::account_standing(&s.visitor.data, id).await?;
    confirm_page(
        s,
        &standing.account,
        format!("/admin/accounts/{id}"),
        vec![("action", "suspend".into())],
        ("reason", reason),
        format!("/admin/accounts/{id}"),
    )
}

#[derive(Template)]
#[template(path = "moderation/confirm.html")]
struct ConfirmPage {
    ctx: Ctx,
    handle: String,
    local: bool,
    action: String,
    hidden: Vec<(&'static str, String)>,
    reason_field: &'static str,
    reason: String,
    back: String,
}

/// The confirmation asked before a suspension: it says what will happen to the account, and
/// posts the same form again with `confirmed`.
fn confirm_page(
    s: &SignedIn,
    account: &crate::api::AccountView,
    action: String,
    hidden: Vec<(&'static str, String)>,
    (reason_field, reason): (&'static str, String),
    back: String,
) -> WebResult {
    let v = &s.visitor;
    html(ConfirmPage {
        ctx: v.page("admin-account-suspend-title"),
        handle: format!("@{}", account.handle),
        local: account.local,
        action,
        hidden,
        reason_field,
        reason,
        back,
    })
}
