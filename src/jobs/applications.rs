//! Applications: a member answers an offer with a message and the parts of their profile they
//! choose to share. When the organisation is on another server the application travels as a
//! `Create` of a `JobApplication` addressed to the organisation alone; the team's answers and
//! status changes come back as `Create`s of `JobApplicationAnswer` addressed to the applicant
//! alone. Neither is ever public: their ids are not served to anyone, and only the applicant
//! and the organisation's team (owners, recruiters) can read them here.

use super::{
    DRAFT,
    model::{self, DbApplication, DbOffer, NewAnswer, NewApplication},
};
use crate::{
    accounts::Member,
    actors::model::{self as actor_model, DbActor},
    db::{DbConn, now},
    error::{AppError, AppResult, FieldError},
    federation::{
        activities::{IdRef, create::Create, first_id, one_or_many_urls},
        delivery, outbox, same_origin,
    },
    html,
    profiles::{
        document::{Audience, ProfileDoc},
        federation::NAMESPACE,
    },
    state::AppState,
};
use activitypub_federation::kinds::activity::CreateType;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

/// Where an application stands, as the organisation's team sets it.
pub const STATUSES: &[&str] = &["received", "in_review", "interview", "refused", "hired"];
/// Sections of a profile an applicant may share.
pub const SECTIONS: &[&str] = &[
    "headline",
    "location",
    "languages",
    "seeking",
    "links",
    "skills",
    "experiences",
    "education",
];
const MAX_MESSAGE: usize = 5_000;

/// What a member sends with an application.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ApplyInput {
    /// Why this offer, in their own words (plain text).
    pub message: String,
    /// Profile sections to share: `headline`, `location`, `languages`, `seeking`, `links`,
    /// `skills`, `experiences`, `education`. Only what the member did not keep to themself.
    pub sections: Vec<String>,
}

/// What the team answers; either part may be left out.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AnswerInput {
    /// New status: `received`, `in_review`, `interview`, `refused` or `hired`.
    pub status: Option<String>,
    /// A message to the applicant (plain text).
    pub message: String,
}

/// The part of a member's published profile they share: everything they did not keep to
/// themself, in the chosen sections only.
fn shared_profile(
    conn: &mut DbConn,
    member: &DbActor,
    sections: &[String],
) -> AppResult<ProfileDoc> {
    let doc = crate::profiles::model::get(conn, member.id)?
        .map(|r| r.published_doc())
        .transpose()?
        .flatten()
        .unwrap_or_default();
    let mut doc = doc.for_audience(Audience {
        owner: false,
        follower: true,
        same_instance: true,
    });
    let keep = |s: &str| sections.iter().any(|x| x == s);
    if !keep("headline") {
        doc.headline.clear();
    }
    if !keep("location") {
        doc.location = None;
    }
    if !keep("languages") {
        doc.languages.clear();
    }
    if !keep("seeking") {
        doc.seeking.clear();
    }
    if !keep("links") {
        doc.links.clear();
    }
    if !keep("skills") {
        doc.skills.clear();
    }
    if !keep("experiences") {
        doc.experiences.clear();
    }
    if !keep("education") {
        doc.education.clear();
    }
    Ok(doc)
}

/// The `@context` of applications and answers.
pub fn application_context() -> Value {
    crate::federation::context(&[
        ("pst", json!(NAMESPACE)),
        ("JobApplication", json!("pst:JobApplication")),
        ("JobApplicationAnswer", json!("pst:JobApplicationAnswer")),
        (
            "sharedProfile",
            json!({"@id": "pst:sharedProfile", "@type": "@json"}),
        ),
        ("applicationStatus", json!("pst:applicationStatus")),
    ])
}

/// An application or an answer on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationJson {
    /// `JobApplication` or `JobApplicationAnswer`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    #[serde(deserialize_with = "first_id")]
    pub attributed_to: IdRef,
    /// The offer (for an application) or the application (for an answer).
    pub in_reply_to: Url,
    #[serde(default)]
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// Applications: the part of the profile shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_profile: Option<Value>,
    /// Answers: the status the team set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_status: Option<String>,
}

pub const APPLICATION: &str = "JobApplication";
pub const ANSWER: &str = "JobApplicationAnswer";

/// Sends `json` as a `Create` from `from` to `to` only.
fn send_private(
    conn: &mut DbConn,
    state: &AppState,
    from: &DbActor,
    to: &DbActor,
    json: &ApplicationJson,
) -> AppResult<()> {
    let create = Create {
        raw: serde_json::Value::Null,
        context: Some(application_context()),
        kind: CreateType::Create,
        id: outbox::new_id(&state.base_url, "activities"),
        actor: IdRef(from.ap_id.0.clone()),
        object: serde_json::to_value(json)?,
        to: vec![to.ap_id.0.clone()],
        cc: vec![],
        published: json.published,
    };
    outbox::enqueue(conn, &state.domain, from, &create, [to.inbox_url.clone()])?;
    Ok(())
}

fn message_html(errors: &mut Vec<FieldError>, message: &str, required: bool) -> String {
    let m = message.trim();
    if required && m.is_empty() {
        errors.push(FieldError::new(
            "message",
            "empty",
            "Write a few words: why this offer, what you would bring.",
        ));
    }
    if m.chars().count() > MAX_MESSAGE {
        errors.push(FieldError::new(
            "message",
            "too_long",
            format!("At most {MAX_MESSAGE} characters."),
        ));
    }
    if m.is_empty() {
        String::new()
    } else {
        html::plain_text_to_html(m)
    }
}

/// A member applies to an open offer, once.
pub async fn apply(
    state: &AppState,
    member: &Member,
    offer_id: i64,
    input: ApplyInput,
) -> AppResult<DbApplication> {
    let mut errors = vec![];
    let message = message_html(&mut errors, &input.message, true);
    for s in &input.sections {
        if !SECTIONS.contains(&s.as_str()) {
            errors.push(FieldError::new(
                "sections",
                "invalid",
                format!(
                    "Unknown section “{s}”: choose among {}.",
                    SECTIONS.join(", ")
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (s, m) = (state.clone(), member.clone());
    let application = state
        .db
        .write(move |c| {
            let offer = model::get(c, offer_id)?
                .filter(|o| o.state != DRAFT)
                .ok_or_else(|| AppError::not_found("job offer"))?;
            if !offer.is_open(super::today()) {
                return Err(AppError::Conflict(
                    "this offer is closed: it no longer takes applications".into(),
                ));
            }
            let organisation = actor_model::by_id(c, offer.organisation_id)?
                .ok_or_else(|| AppError::not_found("organisation"))?;
            if super::is_team(c, &organisation, Some(&m.actor))? {
                return Err(AppError::Conflict(
                    "you are on this organisation's team: you cannot apply to its offers".into(),
                ));
            }
            if model::application_of(c, offer.id, m.actor.id)?.is_some() {
                return Err(AppError::Conflict(
                    "you have already applied to this offer: see your application".into(),
                ));
            }
            let profile = shared_profile(c, &m.actor, &input.sections)?;
            let at = now();
            let ap_id = outbox::new_id(&s.base_url, "job-applications");
            let application = model::insert_application(
                c,
                &NewApplication {
                    ap_id: ap_id.to_string(),
                    offer_id: offer.id,
                    applicant_id: m.actor.id,
                    message_html: message.clone(),
                    shared_profile: serde_json::to_string(&profile)?,
                    status: STATUSES[0].into(),
                    created_at: at,
                    updated_at: at,
                },
            )?;
            if offer.local {
                notify_team(c, &offer, &application)?;
            } else {
                let json = ApplicationJson {
                    kind: APPLICATION.into(),
                    id: ap_id,
                    attributed_to: IdRef(m.actor.ap_id.0.clone()),
                    in_reply_to: Url::parse(&offer.ap_id)?,
                    content: message,
                    media_type: Some("text/html".into()),
                    to: vec![organisation.ap_id.0.clone()],
                    published: Some(at.and_utc()),
                    shared_profile: Some(serde_json::to_value(&profile)?),
                    application_status: None,
                };
                send_private(c, &s, &m.actor, &organisation, &json)?;
            }
            Ok(application)
        })
        .await?;
    delivery::wake(state);
    Ok(application)
}

/// Tells the organisation's team (owners and recruiters) about a new application.
fn notify_team(conn: &mut DbConn, offer: &DbOffer, application: &DbApplication) -> AppResult<()> {
    for (_, member) in crate::organisations::model::team(conn, offer.organisation_id)? {
        crate::notifications::notify_actor(
            conn,
            member.id,
            crate::notifications::APPLICATION_RECEIVED,
            Some(application.applicant_id),
            Some(&format!("/applications/{}", application.id)),
        )?;
    }
    Ok(())
}

/// Tells a local applicant that the organisation answered.
fn notify_applicant(
    conn: &mut DbConn,
    application: &DbApplication,
    organisation: i64,
) -> AppResult<()> {
    crate::notifications::notify_actor(
        conn,
        application.applicant_id,
        crate::notifications::APPLICATION_STATUS,
        Some(organisation),
        Some(&format!("/applications/{}", application.id)),
    )
}

/// A `JobApplication` received from `applicant`, inside the inbox transaction.
pub fn receive_application(
    conn: &mut DbConn,
    applicant: &DbActor,
    json: &ApplicationJson,
) -> AppResult<()> {
    if json.attributed_to.0 != *applicant.ap_id {
        return Err(AppError::BadRequest(
            "an application is sent by its applicant".into(),
        ));
    }
    same_origin(&json.id, &applicant.ap_id)?;
    if model::application_by_ap_id(conn, json.id.as_str())?.is_some() {
        return Ok(());
    }
    let offer = model::by_ap_id(conn, json.in_reply_to.as_str())?
        .filter(|o| o.local && o.state != DRAFT)
        .ok_or_else(|| {
            AppError::NotFound("this application answers no offer of this server".into())
        })?;
    let organisation = offer_organisation_ap_id(conn, &offer)?;
    if !json.to.iter().any(|u| u.as_str() == organisation) {
        return Err(AppError::BadRequest(
            "an application is addressed to the offer's organisation".into(),
        ));
    }
    if !offer.is_open(super::today()) {
        return Err(AppError::Conflict("this offer is closed".into()));
    }
    if model::application_of(conn, offer.id, applicant.id)?.is_some() {
        return Err(AppError::Conflict(
            "this person has already applied to this offer".into(),
        ));
    }
    let profile: ProfileDoc = json
        .shared_profile
        .clone()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| AppError::BadRequest(format!("the shared profile cannot be read: {e}")))?
        .unwrap_or_default();
    let profile = profile.clean_remote();
    let message = html::sanitize(&json.content);
    if message.len() > crate::posts::federation::MAX_REMOTE_CONTENT {
        return Err(AppError::PayloadTooLarge(
            "the application is too long".into(),
        ));
    }
    let at = now();
    let application = model::insert_application(
        conn,
        &NewApplication {
            ap_id: json.id.to_string(),
            offer_id: offer.id,
            applicant_id: applicant.id,
            message_html: message,
            shared_profile: serde_json::to_string(&profile)?,
            status: STATUSES[0].into(),
            created_at: at,
            updated_at: at,
        },
    )?;
    notify_team(conn, &offer, &application)
}

fn offer_organisation_ap_id(conn: &mut DbConn, offer: &DbOffer) -> AppResult<String> {
    Ok(actor_model::by_id(conn, offer.organisation_id)?
        .ok_or_else(|| AppError::not_found("organisation"))?
        .ap_id
        .to_string())
}

/// An application with its offer and organisation, if `viewer` may read it: the applicant, or
/// the team of the (local) organisation. Anyone else gets "not found".
fn readable(
    conn: &mut DbConn,
    id: i64,
    viewer: &DbActor,
) -> AppResult<(DbApplication, DbOffer, DbActor, bool)> {
    let not_found = || AppError::not_found("application");
    let application = model::application(conn, id)?.ok_or_else(not_found)?;
    let offer = model::get(conn, application.offer_id)?.ok_or_else(not_found)?;
    let organisation = actor_model::by_id(conn, offer.organisation_id)?.ok_or_else(not_found)?;
    let team = super::is_team(conn, &organisation, Some(viewer))?;
    if !team && application.applicant_id != viewer.id {
        return Err(not_found());
    }
    Ok((application, offer, organisation, team))
}

/// The team answers an application (a message, a new status, or both). The applicant sees it,
/// on their own server when it is another one.
pub async fn answer(
    state: &AppState,
    member: &Member,
    id: i64,
    input: AnswerInput,
) -> AppResult<DbApplication> {
    let mut errors = vec![];
    let content = message_html(&mut errors, &input.message, false);
    let status = input
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(s) = status
        && !STATUSES.contains(&s)
    {
        errors.push(FieldError::new(
            "status",
            "invalid",
            format!("The status is one of: {}.", STATUSES.join(", ")),
        ));
    }
    if status.is_none() && content.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "message",
            "empty",
            "Write an answer or choose a new status.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let status = status.map(str::to_string);
    let (s, m) = (state.clone(), member.clone());
    let application = state
        .db
        .write(move |c| {
            let (application, _offer, organisation, team) = readable(c, id, &m.actor)?;
            if !team {
                return Err(AppError::Forbidden(
                    "only the organisation's team answers applications".into(),
                ));
            }
            let at = now();
            let ap_id = outbox::new_id(&s.base_url, "job-application-answers");
            model::insert_answer(
                c,
                &NewAnswer {
                    ap_id: ap_id.to_string(),
                    application_id: application.id,
                    author_id: Some(m.actor.id),
                    status: status.clone(),
                    content_html: content.clone(),
                    created_at: at,
                },
            )?;
            if let Some(st) = &status {
                model::set_status(c, application.id, st, at)?;
            }
            let applicant = actor_model::by_id(c, application.applicant_id)?
                .ok_or_else(|| AppError::not_found("applicant"))?;
            if applicant.local {
                notify_applicant(c, &application, organisation.id)?;
            } else {
                let json = ApplicationJson {
                    kind: ANSWER.into(),
                    id: ap_id,
                    attributed_to: IdRef(organisation.ap_id.0.clone()),
                    in_reply_to: Url::parse(&application.ap_id)?,
                    content,
                    media_type: Some("text/html".into()),
                    to: vec![applicant.ap_id.0.clone()],
                    published: Some(at.and_utc()),
                    shared_profile: None,
                    application_status: status,
                };
                send_private(c, &s, &organisation, &applicant, &json)?;
            }
            model::application(c, application.id)?.ok_or_else(|| AppError::not_found("application"))
        })
        .await?;
    delivery::wake(state);
    Ok(application)
}

/// A `JobApplicationAnswer` received from `organisation`, inside the inbox transaction.
pub fn receive_answer(
    conn: &mut DbConn,
    organisation: &DbActor,
    json: &ApplicationJson,
) -> AppResult<()> {
    if json.attributed_to.0 != *organisation.ap_id {
        return Err(AppError::BadRequest(
            "an answer is sent by the organisation".into(),
        ));
    }
    same_origin(&json.id, &organisation.ap_id)?;
    if model::answer_exists(conn, json.id.as_str())? {
        return Ok(());
    }
    let not_found =
        || AppError::NotFound("this answer is about no application of this server".into());
    let application =
        model::application_by_ap_id(conn, json.in_reply_to.as_str())?.ok_or_else(not_found)?;
    let offer = model::get(conn, application.offer_id)?.ok_or_else(not_found)?;
    if offer.organisation_id != organisation.id {
        return Err(AppError::Forbidden(
            "only the offer's organisation answers its applications".into(),
        ));
    }
    let status = json
        .application_status
        .as_deref()
        .filter(|s| STATUSES.contains(s))
        .map(str::to_string);
    let content = html::sanitize(&json.content);
    if content.len() > crate::posts::federation::MAX_REMOTE_CONTENT {
        return Err(AppError::PayloadTooLarge("the answer is too long".into()));
    }
    let at = now();
    model::insert_answer(
        conn,
        &NewAnswer {
            ap_id: json.id.to_string(),
            application_id: application.id,
            author_id: Some(organisation.id),
            status: status.clone(),
            content_html: content,
            created_at: at,
        },
    )?;
    if let Some(st) = status {
        model::set_status(conn, application.id, &st, at)?;
    }
    notify_applicant(conn, &application, organisation.id)
}

/// An answer as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnswerView {
    /// Who answered (a recruiter here, or the organisation for a remote one).
    pub author: Option<crate::api::AccountView>,
    pub status: Option<String>,
    pub content_html: String,
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
}

/// An application as its applicant and the organisation's team see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: i64,
    pub offer_id: i64,
    pub offer_title: String,
    pub offer_url: String,
    pub organisation: crate::api::AccountView,
    pub applicant: crate::api::AccountView,
    pub message_html: String,
    /// The part of the profile the applicant shared.
    pub shared_profile: ProfileDoc,
    pub status: String,
    pub answers: Vec<AnswerView>,
    /// The viewer is on the organisation's team (may answer).
    pub team: bool,
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
    #[schema(value_type = String)]
    pub updated_at: NaiveDateTime,
}

fn view_of(
    conn: &mut DbConn,
    application: DbApplication,
    offer: &DbOffer,
    organisation: &DbActor,
    team: bool,
) -> AppResult<ApplicationView> {
    let applicant = actor_model::by_id(conn, application.applicant_id)?
        .ok_or_else(|| AppError::not_found("applicant"))?;
    let mut answers = vec![];
    for a in model::answers_to(conn, application.id)? {
        let author = match a.author_id {
            Some(id) => actor_model::by_id(conn, id)?.map(|a| (&a).into()),
            None => None,
        };
        answers.push(AnswerView {
            author,
            status: a.status,
            content_html: a.content_html,
            created_at: a.created_at,
        });
    }
    Ok(ApplicationView {
        id: application.id,
        offer_id: offer.id,
        offer_title: offer.title.clone(),
        offer_url: super::offer_path(offer.id),
        organisation: organisation.into(),
        applicant: (&applicant).into(),
        message_html: application.message_html,
        shared_profile: serde_json::from_str(&application.shared_profile).unwrap_or_default(),
        status: application.status,
        answers,
        team,
        created_at: application.created_at,
        updated_at: application.updated_at,
    })
}

/// One application, for its applicant or the organisation's team.
pub async fn view(state: &AppState, viewer: DbActor, id: i64) -> AppResult<ApplicationView> {
    state
        .db
        .read(move |c| {
            let (application, offer, organisation, team) = readable(c, id, &viewer)?;
            view_of(c, application, &offer, &organisation, team)
        })
        .await
}

/// The applications to an offer (its organisation's team only).
pub async fn to_offer(
    state: &AppState,
    viewer: DbActor,
    offer_id: i64,
) -> AppResult<Vec<ApplicationView>> {
    state
        .db
        .read(move |c| {
            let offer = model::get(c, offer_id)?.ok_or_else(|| AppError::not_found("job offer"))?;
            let organisation = actor_model::by_id(c, offer.organisation_id)?
                .ok_or_else(|| AppError::not_found("organisation"))?;
            if !super::is_team(c, &organisation, Some(&viewer))? {
                return Err(if offer.state == DRAFT {
                    AppError::not_found("job offer")
                } else {
                    AppError::Forbidden("only the organisation's team sees the applications".into())
                });
            }
            model::applications_to(c, offer.id)?
                .into_iter()
                .map(|a| view_of(c, a, &offer, &organisation, true))
                .collect()
        })
        .await
}

/// A member's own applications, newest first.
pub async fn mine(state: &AppState, viewer: DbActor) -> AppResult<Vec<ApplicationView>> {
    state
        .db
        .read(move |c| {
            let mut out = vec![];
            for a in model::applications_of(c, viewer.id)? {
                let Some(offer) = model::get(c, a.offer_id)? else {
                    continue;
                };
                let Some(organisation) = actor_model::by_id(c, offer.organisation_id)? else {
                    continue;
                };
                out.push(view_of(c, a, &offer, &organisation, false)?);
            }
            Ok(out)
        })
        .await
}
