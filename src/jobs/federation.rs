//! Job offers on the wire: a `Page` (what Mastodon and Lemmy display: `name`, `content`,
//! `url`, skills as `Hashtag`s) carrying the schema.org `JobPosting` fields and Passerelle's
//! own in a declared context, so another Passerelle rebuilds the structured offer. Sent by the
//! organisation (`Create` when first published, `Update` on edit, close or reopening) to its
//! followers' servers and to partners it shares offers with; received from organisations this
//! server follows or partners with. Also the schema.org JSON-LD of offer pages.

use super::{CLOSED, PUBLISHED, model::DbOffer};
use crate::{
    actors::model::DbActor,
    db::{DbConn, now},
    error::{AppError, AppResult},
    federation::{
        PUBLIC,
        activities::{IdRef, create::Create, first_id, one_or_many_urls, update::Update},
        outbox, same_origin,
    },
    follows, html,
    profiles::federation::NAMESPACE,
    state::AppState,
};
use activitypub_federation::kinds::activity::{CreateType, UpdateType};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

/// The `@context` of job offer documents and of the activities carrying them.
pub fn offer_context() -> Value {
    crate::federation::context(&[
        ("schema", json!("http://schema.org/")),
        ("pst", json!(NAMESPACE)),
        ("Hashtag", json!("as:Hashtag")),
        ("datePosted", json!("schema:datePosted")),
        ("validThrough", json!("schema:validThrough")),
        ("employmentType", json!("schema:employmentType")),
        (
            "hiringOrganization",
            json!({"@id": "schema:hiringOrganization", "@type": "@id"}),
        ),
        ("jobLocationType", json!("schema:jobLocationType")),
        ("jobStartDate", json!("schema:jobStartDate")),
        ("skills", json!("schema:skills")),
        ("baseSalary", json!("schema:baseSalary")),
        ("MonetaryAmount", json!("schema:MonetaryAmount")),
        ("QuantitativeValue", json!("schema:QuantitativeValue")),
        ("currency", json!("schema:currency")),
        ("value", json!("schema:value")),
        ("minValue", json!("schema:minValue")),
        ("maxValue", json!("schema:maxValue")),
        ("unitText", json!("schema:unitText")),
        ("placeName", json!("pst:placeName")),
        ("contractType", json!("pst:contractType")),
        ("workingTime", json!("pst:workingTime")),
        ("remoteWork", json!("pst:remoteWork")),
        ("niceToHaveSkills", json!("pst:niceToHaveSkills")),
        ("experienceLevel", json!("pst:experienceLevel")),
        ("openWithoutDiploma", json!("pst:openWithoutDiploma")),
        ("openWithoutExperience", json!("pst:openWithoutExperience")),
        ("workLanguages", json!("pst:workLanguages")),
        ("howToApply", json!("pst:howToApply")),
        ("offerStatus", json!("pst:offerStatus")),
    ])
}

/// A salary range as schema.org writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaseSalary {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub currency: String,
    pub value: SalaryValue,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SalaryValue {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<f64>,
    /// `HOUR`, `DAY`, `WEEK`, `MONTH` or `YEAR`.
    #[serde(default)]
    pub unit_text: String,
}

/// A job offer as it appears on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferJson {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Url,
    #[serde(deserialize_with = "first_id")]
    pub attributed_to: IdRef,
    pub name: String,
    #[serde(default)]
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "one_or_many_urls")]
    pub cc: Vec<Url>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<Value>,
    // schema.org JobPosting
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_posted: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_through: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub employment_type: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hiring_organization: Option<IdRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_location_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_start_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_skip_error"
    )]
    pub base_salary: Option<BaseSalary>,
    // Passerelle
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place_name: String,
    #[serde(default)]
    pub contract_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub working_time: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remote_work: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nice_to_have_skills: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub experience_level: String,
    #[serde(default)]
    pub open_without_diploma: bool,
    #[serde(default)]
    pub open_without_experience: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub work_languages: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub how_to_apply: String,
    /// `published` or `closed`.
    #[serde(default)]
    pub offer_status: String,
}

/// Whether a received object is a job offer (a `Page` with the job posting fields).
pub fn is_offer(object: &Value) -> bool {
    object.get("type").and_then(Value::as_str) == Some("Page")
        && (object.get("hiringOrganization").is_some() || object.get("contractType").is_some())
}

fn employment_types(offer: &DbOffer) -> Vec<String> {
    let mut t = vec![];
    match offer.working_time.as_str() {
        "full_time" => t.push("FULL_TIME"),
        "part_time" => t.push("PART_TIME"),
        _ => {}
    }
    t.push(match offer.contract_type.as_str() {
        "internship" | "apprenticeship" => "INTERN",
        "temporary" | "seasonal" | "fixed_term" => "TEMPORARY",
        "freelance" => "CONTRACTOR",
        "volunteering" | "civic_service" => "VOLUNTEER",
        _ => "OTHER",
    });
    if offer.contract_type == "permanent" && t.len() == 1 {
        t = vec!["FULL_TIME"];
    }
    t.into_iter().map(str::to_string).collect()
}

fn utc(t: chrono::NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// The document of an offer (published or closed) of a local organisation.
pub fn offer_json(
    conn: &mut DbConn,
    organisation: &DbActor,
    offer: &DbOffer,
) -> AppResult<OfferJson> {
    let skills = super::model::skills_of(conn, &[offer.id])?;
    let id = Url::parse(&offer.ap_id)?;
    let base = id.join("/jobs")?;
    let followers = organisation
        .followers_url
        .as_deref()
        .map(Url::parse)
        .transpose()?;
    Ok(OfferJson {
        kind: "Page".into(),
        attributed_to: IdRef(organisation.ap_id.0.clone()),
        name: offer.title.clone(),
        content: offer.content_html.clone(),
        media_type: Some("text/html".into()),
        url: Some(Url::parse(&offer.url)?),
        published: offer.published_at.map(utc),
        updated: Some(utc(offer.updated_at)),
        to: vec![Url::parse(PUBLIC).expect("valid")],
        cc: followers.into_iter().collect(),
        tag: skills
            .iter()
            .map(|s| {
                let mut href = base.clone();
                href.query_pairs_mut().append_pair("skills", &s.name);
                json!({"type": "Hashtag", "name": format!("#{}", s.tag_key.replace('-', "_")), "href": href})
            })
            .collect(),
        date_posted: offer.published_at.map(utc),
        valid_through: offer.closes_on,
        employment_type: employment_types(offer),
        hiring_organization: Some(IdRef(organisation.ap_id.0.clone())),
        job_location_type: (offer.remote == "full").then(|| "TELECOMMUTE".into()),
        job_start_date: offer.start_date,
        skills: skills
            .iter()
            .filter(|s| s.required)
            .map(|s| s.name.clone())
            .collect(),
        base_salary: (offer.salary_min.is_some() || offer.salary_max.is_some()).then(|| {
            BaseSalary {
                kind: "MonetaryAmount".into(),
                currency: offer.salary_currency.clone(),
                value: SalaryValue {
                    kind: "QuantitativeValue".into(),
                    min_value: offer.salary_min.map(|v| v as f64),
                    max_value: offer.salary_max.map(|v| v as f64),
                    unit_text: offer.salary_period.to_uppercase(),
                },
            }
        }),
        place_name: offer.location.clone(),
        contract_type: offer.contract_type.clone(),
        working_time: offer.working_time.clone(),
        remote_work: offer.remote.clone(),
        nice_to_have_skills: skills
            .iter()
            .filter(|s| !s.required)
            .map(|s| s.name.clone())
            .collect(),
        experience_level: offer.experience_level.clone(),
        open_without_diploma: offer.open_without_diploma,
        open_without_experience: offer.open_without_experience,
        work_languages: offer.language_list(),
        how_to_apply: offer.how_to_apply.clone(),
        offer_status: if offer.is_open(super::today()) {
            PUBLISHED.into()
        } else {
            CLOSED.into()
        },
        id,
    })
}

/// How an offer is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Send {
    Create,
    Update,
}

/// Inboxes of the partners this server shares its job offers with.
fn sharing_partner_inboxes(conn: &mut DbConn) -> AppResult<Vec<String>> {
    let mut inboxes = vec![];
    for p in crate::peering::model::partnerships_in(conn, Some("active"))? {
        if !p.share_job_offers {
            continue;
        }
        if let Some(a) = crate::actors::model::by_id(conn, p.partner_actor_id)? {
            inboxes.push(a.delivery_inbox());
        }
    }
    Ok(inboxes)
}

fn activity(
    state: &AppState,
    organisation: &DbActor,
    json: &OfferJson,
    how: Send,
) -> AppResult<Value> {
    let object = serde_json::to_value(json)?;
    let actor = IdRef(organisation.ap_id.0.clone());
    let id = outbox::new_id(&state.base_url, "activities");
    Ok(match how {
        Send::Create => serde_json::to_value(Create {
            raw: Value::Null,
            context: Some(offer_context()),
            kind: CreateType::Create,
            id,
            actor,
            object,
            to: json.to.clone(),
            cc: json.cc.clone(),
            published: json.published,
        })?,
        Send::Update => serde_json::to_value(Update {
            raw: Value::Null,
            context: Some(offer_context()),
            kind: UpdateType::Update,
            id,
            actor,
            object,
            to: json.to.clone(),
            cc: json.cc.clone(),
        })?,
    })
}

/// Queues the offer for the organisation's followers' servers and the sharing partners.
pub fn send_offer(
    conn: &mut DbConn,
    state: &AppState,
    organisation: &DbActor,
    offer: &DbOffer,
    how: Send,
) -> AppResult<()> {
    let json = offer_json(conn, organisation, offer)?;
    let activity = activity(state, organisation, &json, how)?;
    let mut inboxes = follows::model::follower_inboxes(conn, organisation.id)?;
    inboxes.extend(sharing_partner_inboxes(conn)?);
    outbox::enqueue(conn, &state.domain, organisation, &activity, inboxes)?;
    Ok(())
}

/// Sends every open local offer to a partner that starts receiving them.
pub fn send_all_to(conn: &mut DbConn, state: &AppState, partner: &DbActor) -> AppResult<usize> {
    send_open_offers(conn, state, partner, None)
}

/// Sends the open offers of `organisation` to a new follower, whose board then shows the
/// offers already open, not only the next ones.
pub fn send_to_new_follower(
    conn: &mut DbConn,
    state: &AppState,
    organisation: &DbActor,
    follower: &DbActor,
) -> AppResult<usize> {
    if follower.local {
        return Ok(0);
    }
    send_open_offers(conn, state, follower, Some(organisation.id))
}

/// Queues a `Create` of each open local offer (of one organisation, or all) for `to`.
fn send_open_offers(
    conn: &mut DbConn,
    state: &AppState,
    to: &DbActor,
    organisation: Option<i64>,
) -> AppResult<usize> {
    let inbox = to.delivery_inbox();
    let today = super::today();
    let mut n = 0;
    for offer in super::model::published_local(conn)? {
        if !offer.is_open(today) || organisation.is_some_and(|o| o != offer.organisation_id) {
            continue;
        }
        let Some(organisation) = crate::actors::model::by_id(conn, offer.organisation_id)? else {
            continue;
        };
        let json = offer_json(conn, &organisation, &offer)?;
        let activity = activity(state, &organisation, &json, Send::Create)?;
        outbox::enqueue(
            conn,
            &state.domain,
            &organisation,
            &activity,
            [inbox.clone()],
        )?;
        n += 1;
    }
    Ok(n)
}

/// Whether this server keeps the offers of `organisation`: one of our members follows it (or
/// asked to: the offers sent with the Accept may arrive before it), or its server is a partner
/// (partners send only the offers they chose to share).
fn wanted(conn: &mut DbConn, organisation: &DbActor) -> AppResult<bool> {
    if follows::model::has_local_follower_or_request(conn, organisation.id)? {
        return Ok(true);
    }
    crate::peering::partnerships::is_partner(conn, &organisation.domain)
}

/// A partnership with `host` ended (on either side): the open offers its organisations shared
/// through it leave our board — they are closed here, not deleted, so members' applications to
/// them and their answers stay readable. Organisations one of our members follows (or asked
/// to) keep theirs: those offers would have come anyway. Returns how many offers were closed.
pub fn drop_partner_offers(conn: &mut DbConn, host: &str) -> AppResult<usize> {
    use crate::db::schema::actors;
    use diesel::prelude::*;
    let organisations: Vec<i64> = actors::table
        .filter(actors::local.eq(false))
        .filter(actors::kind.eq("organization"))
        .filter(actors::domain.eq(host))
        .select(actors::id)
        .load(conn)?;
    let mut n = 0;
    for organisation in organisations {
        if !follows::model::has_local_follower_or_request(conn, organisation)? {
            n += super::model::close_all_of(conn, organisation, crate::db::now())?;
        }
    }
    Ok(n)
}

fn plain(s: &str, max: usize) -> String {
    html::strip_tags(s).trim().chars().take(max).collect()
}

fn known(v: &str, allowed: &[&str]) -> String {
    if allowed.contains(&v) {
        v.to_string()
    } else {
        String::new()
    }
}

/// Stores (or replaces) an offer received from `organisation`, inside the inbox transaction.
/// Everything is cleaned: HTML sanitised, texts capped, unknown codes dropped.
pub fn receive_offer(conn: &mut DbConn, organisation: &DbActor, json: &OfferJson) -> AppResult<()> {
    if organisation.kind != "organization" {
        return Err(AppError::BadRequest(
            "only an Organization publishes job offers".into(),
        ));
    }
    if json.attributed_to.0 != *organisation.ap_id {
        return Err(AppError::BadRequest(
            "a job offer is attributed to the organisation that sends it".into(),
        ));
    }
    same_origin(&json.id, &organisation.ap_id)?;
    let existing = super::model::by_ap_id(conn, json.id.as_str())?;
    if let Some(o) = &existing
        && o.organisation_id != organisation.id
    {
        return Err(AppError::Forbidden(
            "this offer belongs to another organisation".into(),
        ));
    }
    if existing.is_none() && !wanted(conn, organisation)? {
        return Ok(());
    }
    let input = super::JobInput {
        title: plain(&json.name, 150),
        description: String::new(),
        contract_type: known(&json.contract_type, super::CONTRACT_TYPES),
        working_time: known(&json.working_time, super::WORKING_TIMES),
        location: plain(&json.place_name, 150),
        remote: known(&json.remote_work, super::REMOTE),
        salary_min: json
            .base_salary
            .as_ref()
            .and_then(|s| s.value.min_value)
            .map(|v| v as i64),
        salary_max: json
            .base_salary
            .as_ref()
            .and_then(|s| s.value.max_value)
            .map(|v| v as i64),
        salary_currency: json
            .base_salary
            .as_ref()
            .map(|s| s.currency.clone())
            .unwrap_or_default(),
        salary_period: json
            .base_salary
            .as_ref()
            .map(|s| known(&s.value.unit_text.to_lowercase(), super::SALARY_PERIODS))
            .unwrap_or_default(),
        required_skills: json.skills.iter().take(30).map(|s| plain(s, 60)).collect(),
        nice_to_have_skills: json
            .nice_to_have_skills
            .iter()
            .take(30)
            .map(|s| plain(s, 60))
            .collect(),
        experience_level: known(&json.experience_level, super::EXPERIENCE_LEVELS),
        open_without_diploma: json.open_without_diploma,
        open_without_experience: json.open_without_experience,
        start_date: json.job_start_date.map(|d| d.to_string()),
        closes_on: json.valid_through.map(|d| d.to_string()),
        languages: json
            .work_languages
            .iter()
            .filter_map(|l| super::language_tag(l))
            .take(10)
            .collect(),
        how_to_apply: plain(&json.how_to_apply, 2000),
    };
    let content_html = html::sanitize(&json.content);
    if content_html.len() > crate::posts::federation::MAX_REMOTE_CONTENT {
        return Err(AppError::PayloadTooLarge(
            "the job offer is too long".into(),
        ));
    }
    // the same rules as ours, except the description (HTML here) and what may be missing
    let mut input = input;
    input.description = html::strip_tags(&content_html);
    if input.description.trim().is_empty() {
        input.description = input.title.clone();
    }
    if input.contract_type.is_empty() {
        input.contract_type = "permanent".into();
    }
    if input.location.is_empty() && input.remote != "full" {
        input.location = "—".into();
    }
    let mut v = input
        .validate(organisation.shown_name())
        .map_err(|e| AppError::BadRequest(format!("the job offer cannot be read: {e}")))?;
    v.fields.content_html = content_html;
    v.fields.description = String::new();
    let state = if json.offer_status == CLOSED {
        CLOSED
    } else {
        PUBLISHED
    };
    let published = json
        .published
        .or(json.date_posted)
        .map(|t| t.naive_utc())
        .unwrap_or_else(now);
    match existing {
        Some(o) => {
            super::model::update(conn, o.id, &v.fields, &v.skills)?;
            super::model::set_state(conn, o.id, state, Some(published), now())?;
        }
        None => {
            super::model::insert(
                conn,
                &super::model::NewOffer {
                    ap_id: json.id.to_string(),
                    organisation_id: organisation.id,
                    author_id: None,
                    local: false,
                    state: state.into(),
                    // the page link is shown and put in feeds: http(s) on the offer's server only
                    url: json
                        .url
                        .as_ref()
                        .filter(|u| {
                            matches!(u.scheme(), "http" | "https")
                                && same_origin(u, &json.id).is_ok()
                        })
                        .unwrap_or(&json.id)
                        .to_string(),
                    published_at: Some(published),
                    created_at: now(),
                },
                &v.fields,
                &v.skills,
            )?;
        }
    }
    Ok(())
}

/// A received `Delete` of an offer: it leaves the board. Kept (closed) when members here
/// applied to it, so their applications keep their history.
pub fn receive_delete(conn: &mut DbConn, organisation: &DbActor, id: &Url) -> AppResult<bool> {
    let Some(offer) = super::model::by_ap_id(conn, id.as_str())? else {
        return Ok(false);
    };
    if offer.organisation_id != organisation.id {
        return Err(AppError::Forbidden(
            "only the organisation can delete its offer".into(),
        ));
    }
    if super::model::count_applications(conn, offer.id)? > 0 {
        super::model::set_state(conn, offer.id, CLOSED, offer.published_at, now())?;
    } else {
        super::model::delete(conn, offer.id)?;
    }
    Ok(true)
}

/// The schema.org `JobPosting` of an offer page, for search engines and other readers.
pub fn schema_org(conn: &mut DbConn, organisation: &DbActor, offer: &DbOffer) -> AppResult<Value> {
    let json = offer_json(conn, organisation, offer)?;
    let details = crate::organisations::model::get(conn, organisation.id)?;
    let mut hiring = json!({
        "@type": "Organization",
        "name": organisation.shown_name(),
        "sameAs": organisation.url.clone().unwrap_or_else(|| organisation.ap_id.to_string()),
    });
    if let Some(logo) = &organisation.avatar_url {
        hiring["logo"] = json!(logo);
    }
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": offer.title,
        "description": offer.content_html,
        "datePosted": json.date_posted.map(|d| d.to_rfc3339()).unwrap_or_default(),
        "hiringOrganization": hiring,
        "employmentType": json.employment_type,
        "url": offer.url,
        "identifier": {"@type": "PropertyValue", "name": organisation.shown_name(), "value": offer.ap_id},
        "directApply": true,
    });
    if !offer.location.is_empty() {
        v["jobLocation"] = json!({"@type": "Place", "address": {"@type": "PostalAddress",
            "addressLocality": offer.location}});
    }
    if let Some(d) = details.filter(|d| !d.location.is_empty())
        && offer.location.is_empty()
    {
        v["jobLocation"] = json!({"@type": "Place", "address": {"@type": "PostalAddress",
            "addressLocality": d.location}});
    }
    if offer.remote == "full" {
        v["jobLocationType"] = json!("TELECOMMUTE");
    }
    if let Some(d) = offer.closes_on {
        v["validThrough"] = json!(d.to_string());
    }
    if let Some(d) = offer.start_date {
        v["jobStartDate"] = json!(d.to_string());
    }
    if !json.skills.is_empty() || !json.nice_to_have_skills.is_empty() {
        v["skills"] = json!(
            json.skills
                .iter()
                .chain(&json.nice_to_have_skills)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(s) = &json.base_salary {
        let mut value = json!({"@type": "QuantitativeValue", "unitText": s.value.unit_text});
        if let Some(m) = s.value.min_value {
            value["minValue"] = json!(m);
        }
        if let Some(m) = s.value.max_value {
            value["maxValue"] = json!(m);
        }
        v["baseSalary"] =
            json!({"@type": "MonetaryAmount", "currency": s.currency, "value": value});
    }
    if offer.open_without_experience {
        v["experienceRequirements"] = json!("no requirements");
    }
    if offer.open_without_diploma {
        v["educationRequirements"] = json!("no requirements");
    }
    Ok(v)
}
