//! Job offers: written by an organisation's team (owners and recruiters), kept as drafts,
//! published to the organisation's followers and sharing partners, closed by hand or at their
//! closing date; received from other servers' organisations for the job board; and the
//! applications members send to them (`applications`), searched through `search`, read by
//! machines through `feed` (Atom) and `federation` (ActivityPub `Page` + schema.org
//! `JobPosting`), imported in bulk by `import`.

pub mod api;
pub mod applications;
pub mod federation;
pub mod feed;
pub mod import;
pub mod model;
pub mod search;
pub mod web;

use crate::{
    accounts::Member,
    actors::model::{self as actor_model, DbActor},
    db::{DbConn, now},
    error::{AppError, AppResult, FieldError},
    federation::delivery,
    html,
    profiles::document::tag_key,
    state::AppState,
};
use chrono::{NaiveDate, NaiveDateTime};
use model::{DbOffer, NewOffer, OfferFields};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const DRAFT: &str = "draft";
pub const PUBLISHED: &str = "published";
pub const CLOSED: &str = "closed";

/// Contract types an offer may have.
pub const CONTRACT_TYPES: &[&str] = &[
    "permanent",
    "fixed_term",
    "internship",
    "apprenticeship",
    "temporary",
    "seasonal",
    "freelance",
    "volunteering",
    "civic_service",
];
pub const WORKING_TIMES: &[&str] = &["full_time", "part_time"];
pub const REMOTE: &[&str] = &["no", "partial", "full"];
pub const SALARY_PERIODS: &[&str] = &["hour", "day", "week", "month", "year"];
pub const EXPERIENCE_LEVELS: &[&str] = &["none", "junior", "confirmed", "senior"];

const MAX_TITLE: usize = 150;
const MAX_DESCRIPTION: usize = 20_000;
const MAX_SHORT: usize = 150;
const MAX_HOW_TO_APPLY: usize = 2_000;
const MAX_SKILLS: usize = 30;
const MAX_SKILL: usize = 60;
const MAX_LANGUAGES: usize = 10;

/// What a recruiter writes about an offer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct JobInput {
    pub title: String,
    /// Plain text; blank lines separate paragraphs.
    pub description: String,
    /// One of `permanent`, `fixed_term`, `internship`, `apprenticeship`, `temporary`,
    /// `seasonal`, `freelance`, `volunteering`, `civic_service`.
    pub contract_type: String,
    /// `full_time`, `part_time` or empty.
    pub working_time: String,
    /// City or region (may be empty when the work is fully remote).
    pub location: String,
    /// `no` (default), `partial` or `full`.
    pub remote: String,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    /// ISO 4217 code (`EUR` when a salary is given without one).
    pub salary_currency: String,
    /// `hour`, `day`, `week`, `month` or `year`.
    pub salary_period: String,
    /// Skills the work needs, as tags.
    pub required_skills: Vec<String>,
    /// Skills that would help, as tags.
    pub nice_to_have_skills: Vec<String>,
    /// `none`, `junior`, `confirmed`, `senior` or empty.
    pub experience_level: String,
    /// People without any diploma are welcome.
    pub open_without_diploma: bool,
    /// People without experience are welcome.
    pub open_without_experience: bool,
    /// `YYYY-MM-DD`
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`: the last day one can apply; the offer closes itself after it.
    pub closes_on: Option<String>,
    /// Languages the work is done in (BCP 47 tags: `fr`, `en`, `ar`…).
    pub languages: Vec<String>,
    /// How to apply besides the Apply button (an address, a phone number, documents to bring).
    pub how_to_apply: String,
}

/// A validated offer: its columns and its skills (tag key, name, required).
pub struct ValidOffer {
    pub fields: OfferFields,
    pub skills: Vec<(String, String, bool)>,
}

fn date(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) -> Option<NaiveDate> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "not_a_day",
                "Write the date as YYYY-MM-DD (for example 2027-03-01).",
            ));
            None
        }
    }
}

fn one_of(errors: &mut Vec<FieldError>, field: &str, value: &str, allowed: &[&str]) -> String {
    let v = value.trim().to_string();
    if !v.is_empty() && !allowed.contains(&v.as_str()) {
        errors.push(FieldError::new(
            field,
            "invalid",
            format!("Choose one of: {}.", allowed.join(", ")),
        ));
    }
    v
}

fn max_len(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.push(FieldError::new(
            field,
            "too_long",
            format!("At most {max} characters."),
        ));
    }
}

/// Skill tags: trimmed, `#` dropped, deduplicated by their folded key.
fn skill_list(
    errors: &mut Vec<FieldError>,
    field: &str,
    tags: &[String],
    seen: &mut HashSet<String>,
) -> Vec<(String, String)> {
    let mut out = vec![];
    for tag in tags {
        let name = tag
            .trim()
            .trim_start_matches('#')
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let key = tag_key(&name);
        if key.is_empty() {
            continue;
        }
        if name.chars().count() > MAX_SKILL {
            errors.push(FieldError::new(
                field,
                "too_long",
                format!("A skill has at most {MAX_SKILL} characters."),
            ));
            continue;
        }
        if seen.insert(key.clone()) {
            out.push((key, name));
        }
    }
    out
}

/// A language tag as written in `languages` (`fr`, `en-GB`), lower case.
fn language_tag(tag: &str) -> Option<String> {
    let t = tag.trim().to_lowercase();
    let mut parts = t.split('-');
    let first = parts.next()?;
    let ok = (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts
            .all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    ok.then_some(t)
}

/// The words of an offer as the full-text index holds them: folded to lower case without
/// accents, one space between words.
pub fn search_words(text: &str) -> String {
    tag_key(text).replace('-', " ")
}

impl JobInput {
    /// Checks everything a recruiter wrote; every problem is named by its field.
    pub fn validate(&self, organisation_name: &str) -> AppResult<ValidOffer> {
        let mut errors = vec![];
        let title = self.title.trim().to_string();
        if title.is_empty() {
            errors.push(FieldError::new(
                "title",
                "missing",
                "Give the offer a title (the job, in a few words).",
            ));
        }
        max_len(&mut errors, "title", &title, MAX_TITLE);
        let description = self.description.trim().to_string();
        if description.is_empty() {
            errors.push(FieldError::new(
                "description",
                "empty",
                "Describe the work: what the person will do, with whom, where.",
            ));
        }
        max_len(&mut errors, "description", &description, MAX_DESCRIPTION);
        let contract_type = one_of(
            &mut errors,
            "contract_type",
            &self.contract_type,
            CONTRACT_TYPES,
        );
        if contract_type.is_empty() {
            errors.push(FieldError::new(
                "contract_type",
                "empty",
                "Choose the type of contract.",
            ));
        }
        let working_time = one_of(
            &mut errors,
            "working_time",
            &self.working_time,
            WORKING_TIMES,
        );
        let remote = match one_of(&mut errors, "remote", &self.remote, REMOTE) {
            r if r.is_empty() => "no".to_string(),
            r => r,
        };
        let location = self.location.trim().to_string();
        max_len(&mut errors, "location", &location, MAX_SHORT);
        if location.is_empty() && remote != "full" {
            errors.push(FieldError::new(
                "location",
                "empty",
                "Say where the work is (a city or a region), or that it is fully remote.",
            ));
        }
        let (salary_min, salary_max) = (self.salary_min, self.salary_max);
        if salary_min.is_some_and(|v| v < 0) || salary_max.is_some_and(|v| v < 0) {
            errors.push(FieldError::new(
                "salary_min",
                "invalid",
                "A salary cannot be negative.",
            ));
        }
        if let (Some(a), Some(b)) = (salary_min, salary_max)
            && b < a
        {
            errors.push(FieldError::new(
                "salary_max",
                "invalid",
                "The highest salary must not be below the lowest.",
            ));
        }
        let has_salary = salary_min.is_some() || salary_max.is_some();
        let mut salary_currency = self.salary_currency.trim().to_uppercase();
        if has_salary && salary_currency.is_empty() {
            salary_currency = "EUR".into();
        }
        if !salary_currency.is_empty()
            && (salary_currency.len() != 3
                || !salary_currency.chars().all(|c| c.is_ascii_uppercase()))
        {
            errors.push(FieldError::new(
                "salary_currency",
                "invalid",
                "Write the currency as a three-letter code (EUR, CHF, CAD…).",
            ));
        }
        let salary_period = one_of(
            &mut errors,
            "salary_period",
            &self.salary_period,
            SALARY_PERIODS,
        );
        if has_salary && salary_period.is_empty() {
            errors.push(FieldError::new(
                "salary_period",
                "empty",
                "Say whether the salary is per hour, day, week, month or year.",
            ));
        }
        let mut seen = HashSet::new();
        let required = skill_list(
            &mut errors,
            "required_skills",
            &self.required_skills,
            &mut seen,
        );
        let nice = skill_list(
            &mut errors,
            "nice_to_have_skills",
            &self.nice_to_have_skills,
            &mut seen,
        );
        if required.len() + nice.len() > MAX_SKILLS {
            errors.push(FieldError::new(
                "required_skills",
                "too_many",
                format!("At most {MAX_SKILLS} skills in all."),
            ));
        }
        let experience_level = one_of(
            &mut errors,
            "experience_level",
            &self.experience_level,
            EXPERIENCE_LEVELS,
        );
        let start_date = date(&mut errors, "start_date", self.start_date.as_deref());
        let closes_on = date(&mut errors, "closes_on", self.closes_on.as_deref());
        let mut languages = vec![];
        for l in self.languages.iter().filter(|l| !l.trim().is_empty()) {
            match language_tag(l) {
                Some(t) if !languages.contains(&t) => languages.push(t),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "languages",
                    "invalid",
                    format!(
                        "“{}” is not a language code: write fr, en, es, ar…",
                        l.trim()
                    ),
                )),
            }
        }
        if languages.len() > MAX_LANGUAGES {
            errors.push(FieldError::new(
                "languages",
                "too_many",
                format!("At most {MAX_LANGUAGES} languages."),
            ));
        }
        let how_to_apply = self.how_to_apply.trim().to_string();
        max_len(&mut errors, "how_to_apply", &how_to_apply, MAX_HOW_TO_APPLY);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let skill_names = required
            .iter()
            .chain(&nice)
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let search_text = search_words(&format!(
            "{title} {description} {skill_names} {location} {organisation_name}"
        ));
        let languages = if languages.is_empty() {
            String::new()
        } else {
            format!(",{},", languages.join(","))
        };
        let location_key = search_words(&location);
        let search_facets = search::facets(&search::Facets {
            contract_type: &contract_type,
            remote: &remote,
            open_without_diploma: self.open_without_diploma,
            open_without_experience: self.open_without_experience,
            skills: required
                .iter()
                .chain(&nice)
                .map(|(k, _)| k.as_str())
                .collect(),
            location_key: &location_key,
            languages: &languages,
        });
        Ok(ValidOffer {
            fields: OfferFields {
                content_html: html::plain_text_to_html(&description),
                title,
                description,
                contract_type,
                working_time,
                location_key,
                location,
                remote,
                salary_min,
                salary_max,
                salary_currency: if has_salary {
                    salary_currency
                } else {
                    String::new()
                },
                salary_period: if has_salary {
                    salary_period
                } else {
                    String::new()
                },
                experience_level,
                open_without_diploma: self.open_without_diploma,
                open_without_experience: self.open_without_experience,
                start_date,
                closes_on,
                languages,
                how_to_apply,
                search_text,
                search_facets,
                updated_at: now(),
            },
            skills: required
                .into_iter()
                .map(|(k, n)| (k, n, true))
                .chain(nice.into_iter().map(|(k, n)| (k, n, false)))
                .collect(),
        })
    }
}

/// Today's date for closing dates (UTC).
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The path of an offer's page and ActivityPub id.
pub fn offer_path(id: i64) -> String {
    format!("/jobs/{id}")
}

/// The organisation an offer belongs to.
fn organisation_of(conn: &mut DbConn, offer: &DbOffer) -> AppResult<DbActor> {
    actor_model::by_id(conn, offer.organisation_id)?
        .ok_or_else(|| AppError::not_found("organisation"))
}

/// Refuses members who are not on the team (owner or recruiter) of the offer's organisation.
fn require_team(conn: &mut DbConn, organisation: &DbActor, member: &Member) -> AppResult<()> {
    crate::organisations::require_role(conn, organisation, member, &["owner", "recruiter"])
        .map(|_| ())
}

/// Whether `viewer` is on the team of a local organisation.
pub fn is_team(
    conn: &mut DbConn,
    organisation: &DbActor,
    viewer: Option<&DbActor>,
) -> AppResult<bool> {
    Ok(match viewer {
        Some(v) if organisation.local => {
            crate::organisations::model::role_of(conn, organisation.id, v.id)?.is_some()
        }
        _ => false,
    })
}

/// Writes a new offer as a draft of `organisation` (its owners and recruiters only).
pub async fn create(
    state: &AppState,
    member: &Member,
    organisation: DbActor,
    input: JobInput,
) -> AppResult<DbOffer> {
    if organisation.kind != "organization" || !organisation.local {
        return Err(AppError::not_found("organisation"));
    }
    let v = input.validate(organisation.shown_name())?;
    let (m, base) = (member.clone(), state.base_url.clone());
    state
        .db
        .write(move |c| {
            require_team(c, &organisation, &m)?;
            let at = now();
            // the id is known once inserted: a unique placeholder first, then the real one
            let temp = format!("{base}/jobs/new-{}", uuid::Uuid::new_v4());
            let offer = model::insert(
                c,
                &NewOffer {
                    ap_id: temp.clone(),
                    organisation_id: organisation.id,
                    author_id: Some(m.actor.id),
                    local: true,
                    state: DRAFT.into(),
                    url: temp,
                    published_at: None,
                    created_at: at,
                },
                &v.fields,
                &v.skills,
            )?;
            Ok(set_local_ids(c, &base, offer.id)?)
        })
        .await
}

fn set_local_ids(conn: &mut DbConn, base: &url::Url, id: i64) -> diesel::QueryResult<DbOffer> {
    use crate::db::schema::job_offers;
    use diesel::prelude::*;
    let ap_id = base.join(&offer_path(id)).expect("valid path").to_string();
    diesel::update(job_offers::table.find(id))
        .set((job_offers::ap_id.eq(&ap_id), job_offers::url.eq(&ap_id)))
        .execute(conn)?;
    model::found(conn, id)
}

/// A local offer with its organisation, for its team; `NotFound` for anyone else when it is a
/// draft (a draft is invisible outside the team).
fn team_offer(conn: &mut DbConn, id: i64, member: &Member) -> AppResult<(DbOffer, DbActor)> {
    let offer = model::get(conn, id)?
        .filter(|o| o.local)
        .ok_or_else(|| AppError::not_found("job offer"))?;
    let organisation = organisation_of(conn, &offer)?;
    if !is_team(conn, &organisation, Some(&member.actor))? {
        return Err(if offer.state == DRAFT {
            AppError::not_found("job offer")
        } else {
            AppError::Forbidden(format!(
                "only the team of @{} can change this offer",
                organisation.username
            ))
        });
    }
    Ok((offer, organisation))
}

/// Edits an offer (team only). A published offer's change reaches the servers that have it.
pub async fn update(
    state: &AppState,
    member: &Member,
    id: i64,
    input: JobInput,
) -> AppResult<DbOffer> {
    let (s, m) = (state.clone(), member.clone());
    let offer = state
        .db
        .write(move |c| {
            let (offer, organisation) = team_offer(c, id, &m)?;
            if offer.state == CLOSED {
                return Err(AppError::Conflict(
                    "this offer is closed: publish it again before editing it".into(),
                ));
            }
            let v = input.validate(organisation.shown_name())?;
            if offer.state == PUBLISHED
                && let Some(d) = v.fields.closes_on
                && d < today()
            {
                return Err(closing_date_passed());
            }
            let offer = model::update(c, offer.id, &v.fields, &v.skills)?;
            if offer.state == PUBLISHED {
                federation::send_offer(c, &s, &organisation, &offer, federation::Send::Update)?;
            }
            Ok(offer)
        })
        .await?;
    delivery::wake(state);
    Ok(offer)
}

fn closing_date_passed() -> AppError {
    AppError::invalid(
        "closes_on",
        "past",
        "The closing date has passed: choose a later date to publish the offer.",
    )
}

/// Publishes a draft, or opens a closed offer again: it appears on job boards here and on the
/// servers of the organisation's followers and sharing partners.
pub async fn publish(state: &AppState, member: &Member, id: i64) -> AppResult<DbOffer> {
    let (s, m) = (state.clone(), member.clone());
    let offer = state
        .db
        .write(move |c| {
            let (offer, organisation) = team_offer(c, id, &m)?;
            if offer.state == PUBLISHED {
                return Ok(offer);
            }
            if offer.closes_on.is_some_and(|d| d < today()) {
                return Err(closing_date_passed());
            }
            let first = offer.published_at.is_none();
            let at = now();
            let offer = model::set_state(
                c,
                offer.id,
                PUBLISHED,
                Some(offer.published_at.unwrap_or(at)),
                at,
            )?;
            let how = if first {
                federation::Send::Create
            } else {
                federation::Send::Update
            };
            federation::send_offer(c, &s, &organisation, &offer, how)?;
            Ok(offer)
        })
        .await?;
    delivery::wake(state);
    Ok(offer)
}

/// A moderator removes a reported offer (inside their transaction): a local one is closed as
/// its team would close it (an `Update` tells the servers that have it), a received one is
/// closed here only. Its applications stay.
pub fn remove_by_moderator(conn: &mut DbConn, state: &AppState, offer_id: i64) -> AppResult<()> {
    let Some(offer) = model::get(conn, offer_id)? else {
        return Ok(());
    };
    if offer.state == CLOSED || offer.state == DRAFT {
        return Ok(());
    }
    let offer = model::set_state(conn, offer.id, CLOSED, offer.published_at, now())?;
    if offer.local {
        let organisation = organisation_of(conn, &offer)?;
        federation::send_offer(conn, state, &organisation, &offer, federation::Send::Update)?;
    }
    Ok(())
}

/// A published or closed offer `viewer` may see (drafts only for their team), for reports.
pub fn reportable(conn: &mut DbConn, ap_id: &str, viewer: &DbActor) -> AppResult<Option<DbOffer>> {
    let Some(offer) = model::by_ap_id(conn, ap_id)? else {
        return Ok(None);
    };
    if offer.state == DRAFT {
        let organisation = organisation_of(conn, &offer)?;
        if !is_team(conn, &organisation, Some(viewer))? {
            return Ok(None);
        }
    }
    Ok(Some(offer))
}

/// A recruiter posts a published offer into a community they belong to, as a thread: its
/// title, the organisation and place, the start of its description and the link to the offer.
/// The thread then travels like any other (to the group of a remote community).
pub async fn post_to_community(
    state: &AppState,
    member: &Member,
    id: i64,
    community_id: i64,
) -> AppResult<crate::communities::model::PostRow> {
    let m = member.clone();
    let (offer, organisation) = state.db.read(move |c| team_offer(c, id, &m)).await?;
    if offer.state != PUBLISHED {
        return Err(AppError::invalid(
            "community",
            "not_published",
            "Publish the offer before posting it in a community.",
        ));
    }
    let community = crate::actors::by_id(state, community_id)
        .await
        .map_err(|_| AppError::NotFound("there is no such community here".into()))?;
    let mut excerpt: String = html::strip_tags(&offer.description)
        .trim()
        .chars()
        .take(600)
        .collect();
    if excerpt.chars().count() == 600 {
        excerpt.push('…');
    }
    let place = [organisation.shown_name(), offer.location.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    let text = format!(
        "{place}\n\n{excerpt}\n\n{}",
        state.url(&offer_path(offer.id))
    );
    crate::communities::create_thread(
        state,
        member,
        community,
        crate::communities::PostInput {
            title: Some(
                offer
                    .title
                    .chars()
                    .take(crate::communities::MAX_TITLE)
                    .collect(),
            ),
            text,
            language: offer.language_list().into_iter().next(),
        },
    )
    .await
}

/// Closes a published offer: it leaves job boards here and elsewhere; its applications stay.
pub async fn close(state: &AppState, member: &Member, id: i64) -> AppResult<DbOffer> {
    let (s, m) = (state.clone(), member.clone());
    let offer = state
        .db
        .write(move |c| {
            let (offer, organisation) = team_offer(c, id, &m)?;
            match offer.state.as_str() {
                PUBLISHED => close_offer(c, &s, &organisation, &offer),
                CLOSED => Ok(offer),
                _ => Err(AppError::Conflict(
                    "a draft is not published: delete it instead of closing it".into(),
                )),
            }
        })
        .await?;
    delivery::wake(state);
    Ok(offer)
}

fn close_offer(
    conn: &mut DbConn,
    state: &AppState,
    organisation: &DbActor,
    offer: &DbOffer,
) -> AppResult<DbOffer> {
    let offer = model::set_state(conn, offer.id, CLOSED, offer.published_at, now())?;
    federation::send_offer(conn, state, organisation, &offer, federation::Send::Update)?;
    Ok(offer)
}

/// Deletes a draft. A published offer is closed instead (people may have applied to it).
pub async fn delete(state: &AppState, member: &Member, id: i64) -> AppResult<()> {
    let m = member.clone();
    state
        .db
        .write(move |c| {
            let (offer, _) = team_offer(c, id, &m)?;
            if offer.state != DRAFT {
                return Err(AppError::Conflict(
                    "only drafts can be deleted: close a published offer instead".into(),
                ));
            }
            model::delete(c, offer.id)?;
            Ok(())
        })
        .await
}

/// Closes the local offers whose closing date has passed; returns how many. Run every few
/// minutes by [`run_expiry`].
pub async fn close_expired(state: &AppState) -> AppResult<usize> {
    let s = state.clone();
    let n = state
        .db
        .write(move |c| {
            let expired = model::expired(c, today())?;
            for offer in &expired {
                let organisation = organisation_of(c, offer)?;
                close_offer(c, &s, &organisation, offer)?;
            }
            Ok(expired.len())
        })
        .await?;
    if n > 0 {
        delivery::wake(state);
    }
    Ok(n)
}

/// Background task: closes expired offers at start and then every five minutes.
pub async fn run_expiry(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
    loop {
        tick.tick().await;
        match close_expired(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(closed = n, "job offers closed at their closing date"),
            Err(e) => tracing::warn!(error = %e, "closing expired job offers failed"),
        }
    }
}

/// A salary range.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SalaryView {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub currency: String,
    pub period: String,
}

/// A job offer as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfferView {
    pub id: i64,
    /// The ActivityPub id.
    pub ap_id: String,
    /// The offer's page (on its own server).
    pub url: String,
    /// `draft`, `published` or `closed` (a published offer past its closing date is `closed`).
    pub state: String,
    pub local: bool,
    pub organisation: crate::api::AccountView,
    pub title: String,
    /// Sanitised HTML.
    pub content_html: String,
    /// What the team wrote (plain text), for the team of a local offer only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub contract_type: String,
    pub working_time: String,
    pub location: String,
    pub remote: String,
    pub salary: Option<SalaryView>,
    pub required_skills: Vec<String>,
    pub nice_to_have_skills: Vec<String>,
    pub experience_level: String,
    pub open_without_diploma: bool,
    pub open_without_experience: bool,
    #[schema(value_type = Option<String>)]
    pub start_date: Option<NaiveDate>,
    #[schema(value_type = Option<String>)]
    pub closes_on: Option<NaiveDate>,
    pub languages: Vec<String>,
    pub how_to_apply: String,
    #[schema(value_type = Option<String>)]
    pub published_at: Option<NaiveDateTime>,
    #[schema(value_type = String)]
    pub updated_at: NaiveDateTime,
    /// Skills of the offer that the viewer's profile has.
    pub matching_skills: Vec<String>,
    /// The viewer is on the organisation's team.
    pub team: bool,
    /// The viewer's application to this offer, if any.
    pub my_application: Option<i64>,
    /// Applications received (team only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applications_count: Option<i64>,
}

/// The folded skill keys of a member's profile (the draft: what they know they have), for
/// marking the offers that fit them.
pub fn member_skill_keys(conn: &mut DbConn, actor_id: i64) -> AppResult<HashSet<String>> {
    let Some(row) = crate::profiles::model::get(conn, actor_id)? else {
        return Ok(HashSet::new());
    };
    let doc = row.draft_doc()?;
    Ok(doc
        .skills
        .iter()
        .map(|s| s.name.as_str())
        .chain(
            doc.experiences
                .iter()
                .chain(&doc.education)
                .flat_map(|e| e.skills.iter().map(String::as_str)),
        )
        .map(tag_key)
        .filter(|k| !k.is_empty())
        .collect())
}

/// Builds the views of offers (with their organisations and skills) for `viewer`. Offers the
/// viewer may not see (drafts outside their team) must be filtered out before.
pub fn views_of(
    conn: &mut DbConn,
    offers: Vec<DbOffer>,
    viewer: Option<&DbActor>,
) -> AppResult<Vec<OfferView>> {
    let ids: Vec<i64> = offers.iter().map(|o| o.id).collect();
    let skills = model::skills_of(conn, &ids)?;
    let my_skills = match viewer {
        Some(v) if v.local => member_skill_keys(conn, v.id)?,
        _ => HashSet::new(),
    };
    // the viewer's applications to these offers, in one query
    let my_applications: std::collections::HashMap<i64, i64> = match viewer {
        Some(v) => model::applications_of_to(conn, v.id, &ids)?
            .into_iter()
            .collect(),
        None => Default::default(),
    };
    let today = today();
    let mut out = Vec::with_capacity(offers.len());
    // organisation id -> (its actor, whether the viewer is on its team), read once each
    let mut organisations = std::collections::HashMap::new();
    for o in offers {
        let (organisation, team) = match organisations.get(&o.organisation_id) {
            Some(known) => known,
            None => {
                let a = organisation_of(conn, &o)?;
                let team = is_team(conn, &a, viewer)?;
                organisations.entry(o.organisation_id).or_insert((a, team))
            }
        }
        .clone();
        let mine: Vec<_> = skills.iter().filter(|s| s.offer_id == o.id).collect();
        let languages = o.language_list();
        let my_application = my_applications.get(&o.id).copied();
        let applications_count = if team {
            Some(model::count_applications(conn, o.id)?)
        } else {
            None
        };
        let state = if o.state == PUBLISHED && !o.is_open(today) {
            CLOSED.to_string()
        } else {
            o.state.clone()
        };
        out.push(OfferView {
            id: o.id,
            url: o.url.clone(),
            ap_id: o.ap_id.clone(),
            state,
            local: o.local,
            organisation: (&organisation).into(),
            description: (team && o.local).then(|| o.description.clone()),
            title: o.title,
            content_html: o.content_html,
            contract_type: o.contract_type,
            working_time: o.working_time,
            location: o.location,
            remote: o.remote,
            salary: (o.salary_min.is_some() || o.salary_max.is_some()).then(|| SalaryView {
                min: o.salary_min,
                max: o.salary_max,
                currency: o.salary_currency.clone(),
                period: o.salary_period.clone(),
            }),
            required_skills: mine
                .iter()
                .filter(|s| s.required)
                .map(|s| s.name.clone())
                .collect(),
            nice_to_have_skills: mine
                .iter()
                .filter(|s| !s.required)
                .map(|s| s.name.clone())
                .collect(),
            matching_skills: mine
                .iter()
                .filter(|s| my_skills.contains(&s.tag_key))
                .map(|s| s.name.clone())
                .collect(),
            experience_level: o.experience_level,
            open_without_diploma: o.open_without_diploma,
            open_without_experience: o.open_without_experience,
            start_date: o.start_date,
            closes_on: o.closes_on,
            languages,
            how_to_apply: o.how_to_apply,
            published_at: o.published_at,
            updated_at: o.updated_at,
            team,
            my_application,
            applications_count,
        });
    }
    Ok(out)
}

/// One offer as `viewer` sees it; a draft is "not found" outside its team.
pub fn view_of(conn: &mut DbConn, id: i64, viewer: Option<&DbActor>) -> AppResult<OfferView> {
    let offer = model::get(conn, id)?.ok_or_else(|| AppError::not_found("job offer"))?;
    // the offers of a remote organisation our moderators suspended are hidden here
    if !offer.local && crate::moderation::restrictions::is_suspended(conn, offer.organisation_id)? {
        return Err(AppError::not_found("job offer"));
    }
    if offer.state == DRAFT {
        let organisation = organisation_of(conn, &offer)?;
        if !is_team(conn, &organisation, viewer)? {
            return Err(AppError::not_found("job offer"));
        }
    }
    views_of(conn, vec![offer], viewer)?
        .pop()
        .ok_or_else(|| AppError::not_found("job offer"))
}

/// [`view_of`] in a read transaction.
pub async fn view(state: &AppState, id: i64, viewer: Option<DbActor>) -> AppResult<OfferView> {
    state
        .db
        .read(move |c| view_of(c, id, viewer.as_ref()))
        .await
}

/// An organisation's offers as `viewer` sees them: the team also sees drafts and closed ones.
pub async fn of_organisation(
    state: &AppState,
    organisation: DbActor,
    viewer: Option<DbActor>,
) -> AppResult<Vec<OfferView>> {
    state
        .db
        .read(move |c| {
            let team = is_team(c, &organisation, viewer.as_ref())?;
            let states: &[&str] = if team {
                &[DRAFT, PUBLISHED, CLOSED]
            } else {
                &[PUBLISHED]
            };
            let today = today();
            let offers = model::of_organisation(c, organisation.id, states, 200)?
                .into_iter()
                .filter(|o| team || o.is_open(today))
                .collect();
            views_of(c, offers, viewer.as_ref())
        })
        .await
}
