//! Organisation pages: the list, creating one, its page (at `/@handle`, like people), editing
//! it and managing its team.

use super::{OrganisationInput, OrganisationView, SIZES};
use crate::{
    actors::{self, model::DbActor},
    error::AppError,
    follows::{self, FollowState},
    web::{
        CsrfForm, Ctx, FieldErrors, SignedIn, Visitor, WebResult, html, html_status, profile_path,
        see_other, shown_handle,
    },
};
use askama::Template;
use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/organisations", get(list))
        .route("/organisations/new", get(new_form).post(create))
        .route("/organisations/{handle}/edit", get(edit_form).post(edit))
        .route("/organisations/{handle}/team", post(set_role))
        .route("/organisations/{handle}/team/{member}/remove", post(remove))
}

/// One organisation in a list.
pub struct OrganisationItem {
    pub name: String,
    pub handle: String,
    pub href: String,
    pub sector: String,
    pub location: String,
}

#[derive(Template)]
#[template(path = "organisations/list.html")]
struct ListPage {
    ctx: Ctx,
    organisations: Vec<OrganisationItem>,
    mine: Vec<(String, OrganisationItem)>,
}

fn item(a: &DbActor, sector: String, location: String) -> OrganisationItem {
    OrganisationItem {
        name: a.shown_name().to_string(),
        handle: shown_handle(a),
        href: profile_path(a),
        sector,
        location,
    }
}

async fn list(v: Visitor) -> WebResult {
    let me = v.member.as_ref().map(|m| m.actor.id);
    let (all, mine) = v
        .data
        .db
        .read(move |c| {
            let all = super::model::list(c, 200)?;
            let mine = match me {
                Some(id) => super::model::managed_by(c, id)?,
                None => vec![],
            };
            Ok((all, mine))
        })
        .await?;
    let role = |r: &str| v.t(&format!("organisation-role-{r}"));
    html(ListPage {
        ctx: v.page("organisations-title"),
        organisations: all
            .iter()
            .map(|(a, r)| item(a, r.sector.clone(), r.location.clone()))
            .collect(),
        mine: mine
            .iter()
            .map(|(r, a)| (role(r), item(a, String::new(), String::new())))
            .collect(),
    })
}

/// What the organisation form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OrganisationForm {
    handle: String,
    name: String,
    description: String,
    sector: String,
    size: String,
    location: String,
    website: String,
    logo_url: String,
}

impl OrganisationForm {
    fn input(&self) -> OrganisationInput {
        OrganisationInput {
            handle: Some(self.handle.clone()),
            name: self.name.clone(),
            description: self.description.clone(),
            sector: self.sector.clone(),
            size: self.size.clone(),
            location: self.location.clone(),
            website: Some(self.website.clone()),
            logo_url: Some(self.logo_url.clone()),
        }
    }
}

const FIELDS: &[&str] = &[
    "handle",
    "name",
    "description",
    "sector",
    "size",
    "location",
    "website",
    "logo_url",
];

#[derive(Template)]
#[template(path = "organisations/form.html")]
struct FormPage {
    ctx: Ctx,
    /// Where the form goes; creating when `None`.
    editing: Option<String>,
    form: OrganisationForm,
    sizes: Vec<(String, String, bool)>,
    errors: FieldErrors,
}

fn form_page(
    v: &Visitor,
    editing: Option<String>,
    form: OrganisationForm,
    errors: FieldErrors,
) -> FormPage {
    let sizes = std::iter::once("")
        .chain(SIZES.iter().copied())
        .map(|s| {
            let label = if s.is_empty() {
                v.t("organisation-size-unknown")
            } else {
                v.t_with("organisation-size-people", "size", s)
            };
            (s.to_string(), label, s == form.size)
        })
        .collect();
    FormPage {
        ctx: v.page(if editing.is_some() {
            "organisation-edit-title"
        } else {
            "organisation-new-title"
        }),
        editing,
        sizes,
        form,
        errors,
    }
}

async fn new_form(s: SignedIn) -> WebResult {
    html(form_page(
        &s.visitor,
        None,
        OrganisationForm::default(),
        FieldErrors::default(),
    ))
}

async fn create(s: SignedIn, CsrfForm(form): CsrfForm<OrganisationForm>) -> WebResult {
    let v = &s.visitor;
    let result = super::create(&v.data, &s.member, form.input()).await;
    match v.form_errors(result, FIELDS)? {
        Ok(actor) => Ok(see_other(&profile_path(&actor))),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(v, None, form, errors),
        ),
    }
}

async fn edit_form(s: SignedIn, Path(handle): Path<String>) -> WebResult {
    let v = &s.visitor;
    let actor = actors::local_of_kind(&v.data, &handle, "organization").await?;
    let view = super::view(&v.data, actor.clone(), Some(s.member.actor.clone())).await?;
    if view.role.as_deref() != Some("owner") {
        return Err(AppError::Forbidden("only owners edit the page".into()).into());
    }
    let form = OrganisationForm {
        handle: actor.username.clone(),
        name: actor.display_name.clone(),
        description: crate::profiles::bio_as_text(&actor.summary),
        sector: view.sector,
        size: view.size,
        location: view.location,
        website: view.website.unwrap_or_default(),
        logo_url: actor.avatar_url.clone().unwrap_or_default(),
    };
    html(form_page(v, Some(handle), form, FieldErrors::default()))
}

async fn edit(
    s: SignedIn,
    Path(handle): Path<String>,
    CsrfForm(form): CsrfForm<OrganisationForm>,
) -> WebResult {
    let v = &s.visitor;
    let actor = actors::local_of_kind(&v.data, &handle, "organization").await?;
    let mut input = form.input();
    input.handle = None;
    let result = super::update(&v.data, &s.member, actor, input).await;
    match v.form_errors(result, FIELDS)? {
        Ok(actor) => Ok(see_other(&profile_path(&actor))),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(v, Some(handle), form, errors),
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RoleForm {
    username: String,
    role: String,
}

async fn set_role(
    s: SignedIn,
    Path(handle): Path<String>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> WebResult {
    let v = &s.visitor;
    let actor = actors::local_of_kind(&v.data, &handle, "organization").await?;
    let result = super::set_role(
        &v.data,
        &s.member,
        actor.clone(),
        &form.username,
        &form.role,
    )
    .await;
    match v.form_errors(result, &[])? {
        Ok(()) => Ok(see_other(&format!("{}#team", profile_path(&actor)))),
        Err(errors) => page_with(v, actor, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

async fn remove(
    s: SignedIn,
    Path((handle, member)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    let v = &s.visitor;
    let actor = actors::local_of_kind(&v.data, &handle, "organization").await?;
    match super::remove_member(&v.data, &s.member, actor.clone(), member).await {
        Ok(()) => Ok(see_other(&format!("{}#team", profile_path(&actor)))),
        Err(AppError::Conflict(_)) => {
            let errors = FieldErrors::general(v.t("organisation-last-owner"));
            page_with(v, actor, errors, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "organisations/show.html")]
struct OrganisationPage {
    ctx: Ctx,
    org: OrganisationView,
    name: String,
    handle: String,
    description: String,
    logo: Option<String>,
    local: bool,
    domain: String,
    remote_url: Option<String>,
    size_label: String,
    /// `none`, `pending`, `accepted`; empty for visitors and the team.
    follow: &'static str,
    team: Vec<(String, String, String, i64)>,
    /// Its job offers (the team also sees drafts and closed ones).
    offers: Vec<crate::jobs::web::OfferCard>,
    errors: FieldErrors,
}

/// The page of an organisation (local or remote), shown at `/@handle`.
pub async fn page(v: &Visitor, actor: DbActor) -> WebResult {
    page_with(v, actor, FieldErrors::default(), StatusCode::OK).await
}

async fn page_with(
    v: &Visitor,
    actor: DbActor,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult {
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let org = super::view(&v.data, actor.clone(), viewer.clone()).await?;
    let follow = match &viewer {
        Some(me) => {
            let (me, them) = (me.id, actor.id);
            match v
                .data
                .db
                .read(move |c| follows::state_between(c, me, them))
                .await?
            {
                FollowState::None => "none",
                FollowState::Pending => "pending",
                FollowState::Accepted => "accepted",
            }
        }
        None => "",
    };
    let offers = crate::jobs::of_organisation(&v.data, actor.clone(), viewer.clone())
        .await?
        .into_iter()
        .map(|o| crate::jobs::web::offer_card(v, o))
        .collect();
    let team = org
        .team
        .iter()
        .map(|t| {
            (
                v.t(&format!("organisation-role-{}", t.role)),
                t.account.display_name.clone(),
                t.account.handle.clone(),
                t.account.id,
            )
        })
        .collect();
    html_status(
        status,
        OrganisationPage {
            ctx: v.page_titled(actor.shown_name().to_string()),
            size_label: if org.size.is_empty() {
                String::new()
            } else {
                v.t_with("organisation-size-people", "size", &org.size)
            },
            name: actor.shown_name().to_string(),
            handle: shown_handle(&actor),
            description: actor.summary.clone(),
            logo: actor.avatar_url.clone(),
            local: actor.local,
            domain: actor.domain.clone(),
            remote_url: (!actor.local)
                .then(|| actor.url.clone().unwrap_or_else(|| actor.ap_id.to_string())),
            follow,
            team,
            offers,
            org,
            errors,
        },
    )
}
