//! The public partners page, and the administrators' pages: rules about other servers
//! (`/admin/instances`, with CSV import and export) and partnerships (`/admin/partnerships`).

use super::{
    Policy, PolicyInput, PolicyView,
    partnerships::{self, Decision, PartnerView, PartnershipView},
};
use crate::{
    accounts::Role,
    error::AppError,
    web::{CsrfForm, Ctx, FieldErrors, SignedIn, Visitor, WebResult, html, html_status, see_other},
};
use askama::Template;
use axum::{
    Router,
    extract::{Path, Query},
    http::{StatusCode, header},
    response::IntoResponse,
    routing::{get, post},
};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/partners", get(partners))
        .route("/admin/instances", get(instances).post(set_rule))
        .route("/admin/instances.csv", get(export))
        .route("/admin/instances/import", post(import))
        .route("/admin/instances/{host}/remove", post(remove_rule))
        .route("/admin/partnerships", get(partnerships_page).post(propose))
        .route("/admin/partnerships/{host}/{decision}", post(decide))
}

#[derive(Template)]
#[template(path = "peering/partners.html")]
struct PartnersPage {
    ctx: Ctx,
    partners: Vec<PartnerView>,
}

/// `GET /partners`: this network's active partners, for everyone.
async fn partners(v: Visitor) -> WebResult {
    let partners = partnerships::partners(&v.data).await?;
    html(PartnersPage {
        ctx: v.page("partners-title"),
        partners,
    })
}

/// Refuses members who are not administrators.
pub fn require_admin(s: &SignedIn) -> Result<(), AppError> {
    if s.member.role() >= Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this page is for the administrators of this server".into(),
        ))
    }
}

#[derive(Template)]
#[template(path = "peering/instances.html")]
struct InstancesPage {
    ctx: Ctx,
    mode: String,
    rules: Vec<(PolicyView, String, String)>,
    form: RuleForm,
    errors: FieldErrors,
    /// The CSV as pasted, shown again with its errors.
    csv: String,
    csv_errors: FieldErrors,
    /// Rules written by the import just made.
    imported: Option<usize>,
}

/// What the rules page shows besides the rule form.
#[derive(Default)]
struct ImportState {
    csv: String,
    errors: FieldErrors,
    imported: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RuleForm {
    host: String,
    policy: String,
    reason: String,
}

async fn instances_page(
    s: &SignedIn,
    form: RuleForm,
    errors: FieldErrors,
    import: ImportState,
    status: StatusCode,
) -> WebResult {
    require_admin(s)?;
    let v = &s.visitor;
    let ctx = v.page("admin-instances-title");
    let rules = super::list(&v.data)
        .await?
        .into_iter()
        .map(|r| {
            let label = v.t(&format!("admin-policy-{}", r.policy.as_str()));
            let since = ctx.date(&r.updated_at.naive_utc());
            (r, label, since)
        })
        .collect();
    html_status(
        status,
        InstancesPage {
            ctx,
            mode: v.t(match v.data.config.federation.mode {
                crate::config::FederationMode::Open => "admin-mode-open",
                crate::config::FederationMode::Allowlist => "admin-mode-allowlist",
            }),
            rules,
            form,
            errors,
            csv: import.csv,
            csv_errors: import.errors,
            imported: import.imported,
        },
    )
}

fn new_rule_form() -> RuleForm {
    RuleForm {
        policy: "block".into(),
        ..Default::default()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InstancesQuery {
    imported: Option<usize>,
}

async fn instances(s: SignedIn, Query(q): Query<InstancesQuery>) -> WebResult {
    instances_page(
        &s,
        new_rule_form(),
        FieldErrors::default(),
        ImportState {
            imported: q.imported,
            ..Default::default()
        },
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ImportForm {
    csv: String,
}

/// `POST /admin/instances/import`: a pasted CSV block list, imported whole or not at all
/// ([`super::import_csv`]); every bad line is shown next to the field with its number.
async fn import(s: SignedIn, CsrfForm(form): CsrfForm<ImportForm>) -> WebResult {
    require_admin(&s)?;
    let v = &s.visitor;
    let result = if form.csv.trim().is_empty() {
        Err(AppError::invalid(
            "csv",
            "required",
            "Paste a CSV block list: a first line naming the columns (#domain,#severity,\
             #public_comment), then one server per line.",
        ))
    } else {
        super::import_csv(&v.data, Some(s.member.account.id), &form.csv)
            .await
            .map_err(|e| match e {
                // the import names the field `file` (the API's body); here it is the text area
                AppError::Invalid(fields) => AppError::Invalid(
                    fields
                        .into_iter()
                        .map(|f| crate::error::FieldError {
                            field: "csv".into(),
                            ..f
                        })
                        .collect(),
                ),
                AppError::BadRequest(m) => AppError::invalid("csv", "invalid", m),
                e => e,
            })
    };
    match v.form_errors(result, &["csv"])? {
        Ok(summary) => Ok(see_other(&format!(
            "/admin/instances?imported={}",
            summary.written
        ))),
        Err(errors) => {
            instances_page(
                &s,
                new_rule_form(),
                FieldErrors::default(),
                ImportState {
                    csv: form.csv,
                    errors,
                    imported: None,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn set_rule(s: SignedIn, CsrfForm(form): CsrfForm<RuleForm>) -> WebResult {
    require_admin(&s)?;
    let v = &s.visitor;
    let result = match Policy::parse(&form.policy) {
        Some(policy) => super::set_policy(
            &v.data,
            Some(s.member.account.id),
            &form.host,
            PolicyInput {
                policy,
                reason: form.reason.clone(),
            },
        )
        .await
        .map(|_| ()),
        None => Err(AppError::invalid(
            "policy",
            "invalid",
            "Choose allow, silence or block.",
        )),
    };
    match v.form_errors(result, &["host", "policy", "reason"])? {
        Ok(()) => Ok(see_other("/admin/instances")),
        Err(errors) => {
            instances_page(
                &s,
                form,
                errors,
                ImportState::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

async fn remove_rule(
    s: SignedIn,
    Path(host): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    require_admin(&s)?;
    super::remove_policy(&s.visitor.data, Some(s.member.account.id), &host).await?;
    Ok(see_other("/admin/instances"))
}

/// `GET /admin/instances.csv`: the rules as a CSV block list (Mastodon's columns).
async fn export(s: SignedIn) -> WebResult {
    require_admin(&s)?;
    let rules = super::list(&s.visitor.data).await?;
    let csv = super::to_csv(&rules)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"blocklist.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "peering/partnerships.html")]
struct PartnershipsPage {
    ctx: Ctx,
    partnerships: Vec<(PartnershipView, String)>,
    host: String,
    errors: FieldErrors,
}

async fn partnerships_view(
    s: &SignedIn,
    host: String,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult {
    require_admin(s)?;
    let v = &s.visitor;
    let partnerships = partnerships::list(&v.data)
        .await?
        .into_iter()
        .map(|p| {
            let label = v.t(&format!("admin-partnership-{}", p.state));
            (p, label)
        })
        .collect();
    html_status(
        status,
        PartnershipsPage {
            ctx: v.page("admin-partnerships-title"),
            partnerships,
            host,
            errors,
        },
    )
}

async fn partnerships_page(s: SignedIn) -> WebResult {
    partnerships_view(&s, String::new(), FieldErrors::default(), StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProposeForm {
    host: String,
}

async fn propose(s: SignedIn, CsrfForm(form): CsrfForm<ProposeForm>) -> WebResult {
    require_admin(&s)?;
    let v = &s.visitor;
    let result = partnerships::propose(&v.data, Some(s.member.account.id), &form.host).await;
    match v.form_errors(result, &["host"])? {
        Ok(_) => Ok(see_other("/admin/partnerships")),
        Err(errors) => {
            partnerships_view(&s, form.host, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

async fn decide(
    s: SignedIn,
    Path((host, decision)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    require_admin(&s)?;
    let v = &s.visitor;
    let by = Some(s.member.account.id);
    let result = match decision.as_str() {
        "accept" => partnerships::decide(&v.data, by, &host, Decision::Accept)
            .await
            .map(|_| ()),
        "decline" => partnerships::decide(&v.data, by, &host, Decision::Decline)
            .await
            .map(|_| ()),
        "end" => partnerships::decide(&v.data, by, &host, Decision::End)
            .await
            .map(|_| ()),
        "share" | "stop-sharing" => {
            partnerships::share_job_offers(&v.data, by, &host, decision == "share")
                .await
                .map(|_| ())
        }
        _ => Err(AppError::not_found("action")),
    };
    match result {
        Ok(()) => Ok(see_other("/admin/partnerships")),
        Err(AppError::Conflict(m)) => {
            partnerships_view(
                &s,
                String::new(),
                FieldErrors::general(m),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
