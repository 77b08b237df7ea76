//! Organisations — companies, associations, employment agencies, training centres — as
//! `Organization` actors: a page (name, handle, description, sector, size, location, website,
//! logo), managed by members of the instance with a role (`owner`, `recruiter`), followed by
//! anyone, here or on another instance. Job offers (issue 3) hang from them.

pub mod api;
pub mod federation;
pub mod model;
pub mod web;

use crate::{
    accounts::Member,
    actors::{self, model as actor_model, model::DbActor},
    db::{DbConn, now},
    error::{AppError, AppResult, FieldError},
    federation::{delivery, signatures::generate_keys},
    follows, html,
    state::AppState,
};
use model::OrganisationRow;
use serde::{Deserialize, Serialize};
use url::Url;

/// Sizes offered (number of people working there).
pub const SIZES: &[&str] = &["1-9", "10-49", "50-249", "250-999", "1000+"];
/// Roles in an organisation: owners manage everything, recruiters the job offers.
pub const ROLES: &[&str] = &["owner", "recruiter"];

const MAX_NAME: usize = 100;
const MAX_DESCRIPTION: usize = 5000;
const MAX_SHORT: usize = 100;

/// What an owner writes about their organisation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrganisationInput {
    /// Only when creating: the handle (`@handle@this-instance`), letters, digits and `_`.
    pub handle: Option<String>,
    pub name: String,
    /// Plain text; blank lines separate paragraphs.
    pub description: String,
    /// Field of activity, in words ("Restauration", "Insertion par l'activité économique").
    pub sector: String,
    /// One of `1-9`, `10-49`, `50-249`, `250-999`, `1000+`, or empty.
    pub size: String,
    /// City or region.
    pub location: String,
    /// https address of its website.
    pub website: Option<String>,
    /// https address of its logo.
    pub logo_url: Option<String>,
}

struct ValidOrganisation {
    handle: Option<String>,
    name: String,
    description_html: String,
    sector: String,
    size: String,
    location: String,
    website: Option<String>,
    logo_url: Option<String>,
}

fn web_address(errors: &mut Vec<FieldError>, field: &str, value: Option<String>) -> Option<String> {
    let value = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    if let Some(v) = &value
        && !Url::parse(v)
            .is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
    {
        errors.push(FieldError::new(
            field,
            "invalid",
            "The address must start with https://.",
        ));
    }
    value
}

impl OrganisationInput {
    fn validate(self, creating: bool) -> AppResult<ValidOrganisation> {
        let mut errors = vec![];
        let handle = if creating {
            match crate::accounts::validate_username(self.handle.as_deref().unwrap_or("")) {
                Ok(h) => Some(h),
                Err(e) => {
                    errors.push(FieldError {
                        field: "handle".into(),
                        ..e
                    });
                    None
                }
            }
        } else {
            None
        };
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new(
                "name",
                "empty",
                "Give the organisation's name.",
            ));
        } else if name.chars().count() > MAX_NAME {
            errors.push(FieldError::new(
                "name",
                "too_long",
                format!("A name has at most {MAX_NAME} characters."),
            ));
        }
        let description = self.description.trim().to_string();
        if description.chars().count() > MAX_DESCRIPTION {
            errors.push(FieldError::new(
                "description",
                "too_long",
                format!("The description has at most {MAX_DESCRIPTION} characters."),
            ));
        }
        let (sector, location) = (
            self.sector.trim().to_string(),
            self.location.trim().to_string(),
        );
        for (field, value) in [("sector", &sector), ("location", &location)] {
            if value.chars().count() > MAX_SHORT {
                errors.push(FieldError::new(
                    field,
                    "too_long",
                    format!("At most {MAX_SHORT} characters."),
                ));
            }
        }
        let size = self.size.trim().to_string();
        if !size.is_empty() && !SIZES.contains(&size.as_str()) {
            errors.push(FieldError::new(
                "size",
                "invalid",
                format!("The size is one of: {}.", SIZES.join(", ")),
            ));
        }
        let website = web_address(&mut errors, "website", self.website);
        let logo_url = web_address(&mut errors, "logo_url", self.logo_url);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(ValidOrganisation {
            handle,
            name,
            description_html: html::plain_text_to_html(&description),
            sector,
            size,
            location,
            website,
            logo_url,
        })
    }
}

/// Creates an organisation; the member who creates it is its first owner.
pub async fn create(
    state: &AppState,
    member: &Member,
    input: OrganisationInput,
) -> AppResult<DbActor> {
    let v = input.validate(true)?;
    let keys = tokio::task::spawn_blocking(generate_keys)
        .await
        .map_err(|e| anyhow::anyhow!("key generation: {e}"))??;
    let s = state.clone();
    let owner = member.actor.id;
    state
        .db
        .write(move |c| {
            let handle = v.handle.clone().unwrap_or_default();
            let actor = actors::create_local_actor(
                c,
                &s,
                "organization",
                &organisation_path(&handle),
                &handle,
                &v.name,
                keys,
            )
            .map_err(|e| match e {
                AppError::Invalid(mut f) => {
                    f.iter_mut().for_each(|f| f.field = "handle".into());
                    AppError::Invalid(f)
                }
                e => e,
            })?;
            let at = now();
            let actor = actor_model::update_profile(
                c,
                actor.id,
                &v.name,
                &v.description_html,
                v.logo_url.as_deref(),
                false,
                at,
            )?;
            model::upsert(c, &row_of(actor.id, &v, at))?;
            model::set_role(c, actor.id, owner, "owner", at)?;
            Ok(actor)
        })
        .await
}

fn row_of(actor_id: i64, v: &ValidOrganisation, at: chrono::NaiveDateTime) -> OrganisationRow {
    OrganisationRow {
        actor_id,
        sector: v.sector.clone(),
        size: v.size.clone(),
        location: v.location.clone(),
        website: v.website.clone(),
        created_at: at,
    }
}

/// Local URL path of an organisation's actor.
pub fn organisation_path(handle: &str) -> String {
    format!("/orgs/{handle}")
}

/// Refuses members without one of `roles` in `organisation`.
pub(crate) fn require_role(
    conn: &mut DbConn,
    organisation: &DbActor,
    member: &Member,
    roles: &[&str],
) -> AppResult<String> {
    match model::role_of(conn, organisation.id, member.actor.id)? {
        Some(r) if roles.contains(&r.as_str()) => Ok(r),
        _ => Err(AppError::Forbidden(format!(
            "only the {} of @{} can do this",
            if roles.contains(&"recruiter") {
                "team"
            } else {
                "owners"
            },
            organisation.username
        ))),
    }
}

/// Updates an organisation's page (owners only); its followers' servers get an Update.
pub async fn update(
    state: &AppState,
    member: &Member,
    organisation: DbActor,
    input: OrganisationInput,
) -> AppResult<DbActor> {
    let v = input.validate(false)?;
    let (s, m) = (state.clone(), member.clone());
    let actor = state
        .db
        .write(move |c| {
            require_role(c, &organisation, &m, &["owner"])?;
            let at = now();
            let actor = actor_model::update_profile(
                c,
                organisation.id,
                &v.name,
                &v.description_html,
                v.logo_url.as_deref(),
                organisation.manually_approves_followers,
                at,
            )?;
            let mut row = row_of(actor.id, &v, at);
            if let Some(old) = model::get(c, actor.id)? {
                row.created_at = old.created_at;
            }
            model::upsert(c, &row)?;
            send_update(c, &s, &actor)?;
            Ok(actor)
        })
        .await?;
    delivery::wake(state);
    Ok(actor)
}

/// Queues an Update of the organisation's actor (with its terms) for its followers' servers.
fn send_update(conn: &mut DbConn, state: &AppState, actor: &DbActor) -> AppResult<()> {
    let json = federation::organisation_document(conn, state, actor)?;
    actors::send_update(conn, state, actor, json, federation::organisation_context())
}

/// Gives a member of this instance a role in the organisation (owners only).
pub async fn set_role(
    state: &AppState,
    member: &Member,
    organisation: DbActor,
    username: &str,
    role: &str,
) -> AppResult<()> {
    if !ROLES.contains(&role) {
        return Err(AppError::invalid(
            "role",
            "invalid",
            "The role is owner or recruiter.",
        ));
    }
    let target = actors::local_by_username(state, username.trim().trim_start_matches('@'))
        .await
        .map_err(|_| {
            AppError::invalid(
                "username",
                "unknown",
                "Nobody has this username on this site.",
            )
        })?;
    let (m, role) = (member.clone(), role.to_string());
    state
        .db
        .write(move |c| {
            require_role(c, &organisation, &m, &["owner"])?;
            let current = model::role_of(c, organisation.id, target.id)?;
            if current.as_deref() == Some("owner")
                && role != "owner"
                && model::count_owners(c, organisation.id)? <= 1
            {
                return Err(last_owner());
            }
            Ok(model::set_role(
                c,
                organisation.id,
                target.id,
                &role,
                now(),
            )?)
        })
        .await
}

fn last_owner() -> AppError {
    AppError::Conflict("an organisation keeps at least one owner: name another owner first".into())
}

/// Takes a member out of the organisation's team (owners only; not the last owner).
pub async fn remove_member(
    state: &AppState,
    member: &Member,
    organisation: DbActor,
    member_id: i64,
) -> AppResult<()> {
    let m = member.clone();
    state
        .db
        .write(move |c| {
            require_role(c, &organisation, &m, &["owner"])?;
            match model::role_of(c, organisation.id, member_id)? {
                None => Err(AppError::not_found("member of this organisation")),
                Some(r) if r == "owner" && model::count_owners(c, organisation.id)? <= 1 => {
                    Err(last_owner())
                }
                Some(_) => {
                    model::remove_role(c, organisation.id, member_id)?;
                    Ok(())
                }
            }
        })
        .await
}

/// An organisation as pages and the API show it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganisationView {
    pub account: crate::api::AccountView,
    pub sector: String,
    pub size: String,
    pub location: String,
    pub website: Option<String>,
    /// The viewer's role in it, if any.
    pub role: Option<String>,
    /// Its team (for its own team members only): (role, account).
    pub team: Vec<TeamMember>,
    pub followers_count: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TeamMember {
    pub role: String,
    pub account: crate::api::AccountView,
}

/// An organisation known here (local or remote) as `viewer` sees it.
pub fn view_of(
    conn: &mut DbConn,
    actor: &DbActor,
    viewer: Option<&DbActor>,
) -> AppResult<OrganisationView> {
    if actor.kind != "organization" || actor.deleted_at.is_some() {
        return Err(AppError::not_found("organisation"));
    }
    let row = model::get(conn, actor.id)?;
    let role = match viewer {
        Some(v) if actor.local => model::role_of(conn, actor.id, v.id)?,
        _ => None,
    };
    let team = match role {
        Some(_) => model::team(conn, actor.id)?
            .into_iter()
            .map(|(role, a)| TeamMember {
                role,
                account: (&a).into(),
            })
            .collect(),
        None => vec![],
    };
    Ok(OrganisationView {
        account: actor.into(),
        sector: row.as_ref().map(|r| r.sector.clone()).unwrap_or_default(),
        size: row.as_ref().map(|r| r.size.clone()).unwrap_or_default(),
        location: row.as_ref().map(|r| r.location.clone()).unwrap_or_default(),
        website: row.and_then(|r| r.website),
        role,
        team,
        followers_count: follows::model::count_followers(conn, actor.id)?,
    })
}

/// [`view_of`] in a read transaction.
pub async fn view(
    state: &AppState,
    actor: DbActor,
    viewer: Option<DbActor>,
) -> AppResult<OrganisationView> {
    state
        .db
        .read(move |c| view_of(c, &actor, viewer.as_ref()))
        .await
}
