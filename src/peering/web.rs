//! The public partners page, and the administrators' pages: rules about other servers
//! (`/admin/instances`, with CSV export) and partnerships (`/admin/partnerships`).

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
    extract::Path,
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
        },
    )
}

async fn instances(s: SignedIn) -> WebResult {
    instances_page(
        &s,
        RuleForm {
            policy: "block".into(),
            ..Default::default()
        },
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
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
        Err(errors) => instances_page(&s, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
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
