//! Job pages: the job board (search and filters), an offer's page (also its ActivityPub
//! document and its schema.org JSON-LD), writing and managing offers, applying, the team's
//! view of applications and the applicant's.

use super::{
    CONTRACT_TYPES, EXPERIENCE_LEVELS, JobInput, OfferView, REMOTE, SALARY_PERIODS, WORKING_TIMES,
    applications::{self, AnswerInput, ApplicationView, ApplyInput, SECTIONS, STATUSES},
    search::BoardQuery,
};
use crate::{
    actors,
    error::{AppError, FieldError},
    federation::fetch::{activity_json, wants_activity_json},
    web::{CsrfForm, Ctx, FieldErrors, SignedIn, Visitor, WebResult, html, html_status, see_other},
};
use askama::Template;
use axum::{
    Router,
    extract::{Path, Query},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::{get, post},
};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/jobs", get(board))
        .route("/jobs.atom", get(super::feed::search_feed))
        .route("/jobs/{id}", get(offer))
        .route("/jobs/{id}/edit", get(edit_form).post(edit))
        .route("/jobs/{id}/publish", post(publish))
        .route("/jobs/{id}/close", post(close))
        .route("/jobs/{id}/delete", post(delete))
        .route("/jobs/{id}/apply", post(apply))
        .route("/jobs/{id}/community", post(post_to_community))
        .route("/jobs/{id}/applications", get(applications_page))
        .route(
            "/organisations/{handle}/jobs/new",
            get(new_form).post(create),
        )
        .route("/applications/{id}", get(application_page))
        .route("/applications/{id}/answer", post(answer))
        .route("/me/applications", get(my_applications))
}

/// A choice in a select or a list of checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices(
    v: &Visitor,
    prefix: &str,
    values: &[&str],
    current: &str,
    empty: Option<&str>,
) -> Vec<Choice> {
    empty
        .map(|key| Choice {
            value: String::new(),
            label: v.t(key),
            selected: current.is_empty(),
        })
        .into_iter()
        .chain(values.iter().map(|val| Choice {
            value: val.to_string(),
            label: v.t(&format!("{prefix}-{val}")),
            selected: *val == current,
        }))
        .collect()
}

/// An offer as lists and its page show it: the view plus its words in the page's language.
pub struct OfferCard {
    pub offer: OfferView,
    pub href: String,
    pub organisation_href: String,
    pub facts: Vec<String>,
    pub salary: String,
    pub published: String,
    pub closes: String,
    pub starts: String,
}

fn salary_label(v: &Visitor, o: &OfferView) -> String {
    let Some(s) = &o.salary else {
        return String::new();
    };
    let amount = match (s.min, s.max) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) | (None, Some(a)) => a.to_string(),
        (None, None) => return String::new(),
    };
    format!(
        "{amount} {} {}",
        s.currency,
        v.t(&format!("job-salary-per-{}", s.period))
    )
}

pub(crate) fn offer_card(v: &Visitor, offer: OfferView) -> OfferCard {
    let mut facts = vec![v.t(&format!("job-contract-{}", offer.contract_type))];
    if !offer.working_time.is_empty() {
        facts.push(v.t(&format!("job-time-{}", offer.working_time)));
    }
    if !offer.location.is_empty() {
        facts.push(offer.location.clone());
    }
    if offer.remote != "no" {
        facts.push(v.t(&format!("job-remote-{}", offer.remote)));
    }
    let org = &offer.organisation;
    OfferCard {
        href: super::offer_path(offer.id),
        organisation_href: if org.local {
            format!("/@{}", org.username)
        } else {
            format!("/@{}@{}", org.username, org.domain)
        },
        salary: salary_label(v, &offer),
        published: offer
            .published_at
            .map(|d| v.page_titled(String::new()).day(&d.date()))
            .unwrap_or_default(),
        closes: offer
            .closes_on
            .map(|d| v.page_titled(String::new()).day(&d))
            .unwrap_or_default(),
        starts: offer
            .start_date
            .map(|d| v.page_titled(String::new()).day(&d))
            .unwrap_or_default(),
        facts,
        offer,
    }
}

#[derive(Template)]
#[template(path = "jobs/board.html")]
struct BoardPage {
    ctx: Ctx,
    query: BoardQuery,
    q: String,
    skills: String,
    place: String,
    since: String,
    language: String,
    contracts: Vec<Choice>,
    remotes: Vec<Choice>,
    sorts: Vec<Choice>,
    offers: Vec<OfferCard>,
    previous: Option<String>,
    next: Option<String>,
    feed: String,
    errors: FieldErrors,
}

async fn board(v: Visitor, Query(query): Query<BoardQuery>) -> WebResult {
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let q = query.clone();
    let result = v
        .data
        .db
        .read(move |c| super::search::board(c, &q, viewer.as_ref()))
        .await;
    let (found, errors, status) =
        match v.form_errors(result, &["since", "contract", "remote", "sort"])? {
            Ok(found) => (found, FieldErrors::default(), StatusCode::OK),
            Err(errors) => ((vec![], false), errors, StatusCode::UNPROCESSABLE_ENTITY),
        };
    let (offers, more) = found;
    let page = query.page();
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    let contract = text(&query.contract);
    html_status(
        status,
        BoardPage {
            ctx: v.page("jobs-title"),
            q: text(&query.q),
            skills: text(&query.skills),
            place: text(&query.place),
            since: text(&query.since),
            language: text(&query.language),
            contracts: choices(
                &v,
                "job-contract",
                CONTRACT_TYPES,
                &contract,
                Some("jobs-any-contract"),
            ),
            remotes: choices(
                &v,
                "jobs-remote",
                &["partial", "full"],
                &text(&query.remote),
                Some("jobs-remote-any"),
            ),
            sorts: choices(
                &v,
                "jobs-sort",
                &["relevance", "date"],
                &text(&query.sort),
                None,
            ),
            offers: offers.into_iter().map(|o| offer_card(&v, o)).collect(),
            previous: (page > 1).then(|| format!("/jobs?{}", query.query_string(Some(page - 1)))),
            next: more.then(|| format!("/jobs?{}", query.query_string(Some(page + 1)))),
            feed: format!("/jobs.atom?{}", query.query_string(None)),
            query,
            errors,
        },
    )
}

#[derive(Template)]
#[template(path = "jobs/offer.html")]
struct OfferPage {
    ctx: Ctx,
    card: OfferCard,
    /// Skills of the offer the viewer has.
    matching: Vec<String>,
    languages: Vec<String>,
    experience: String,
    json_ld: String,
    sections: Vec<Choice>,
    can_apply: bool,
    message: String,
    errors: FieldErrors,
    /// The viewer's communities (id, name) a recruiter may post this published offer into.
    communities: Vec<(i64, String)>,
}

/// `GET /jobs/{id}`: the offer's page, or its ActivityPub document for ActivityPub clients
/// (local published or closed offers only).
async fn offer(v: Visitor, Path(id): Path<i64>, headers: HeaderMap) -> WebResult {
    if wants_activity_json(&headers) {
        let doc = v
            .data
            .db
            .read(move |c| {
                let offer = super::model::get(c, id)?
                    .filter(|o| o.local && o.state != super::DRAFT)
                    .ok_or_else(|| AppError::not_found("job offer"))?;
                let org = actors::model::by_id(c, offer.organisation_id)?
                    .ok_or_else(|| AppError::not_found("organisation"))?;
                super::federation::offer_json(c, &org, &offer)
            })
            .await?;
        return Ok(activity_json(super::federation::offer_context(), &doc).into_response());
    }
    offer_page(
        &v,
        id,
        ApplyForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn offer_page(
    v: &Visitor,
    id: i64,
    form: ApplyForm,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult {
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let (view, json_ld) = v
        .data
        .db
        .read(move |c| {
            let view = super::view_of(c, id, viewer.as_ref())?;
            let offer =
                super::model::get(c, id)?.ok_or_else(|| AppError::not_found("job offer"))?;
            let json_ld = if view.state == super::PUBLISHED && offer.local {
                let org = actors::model::by_id(c, offer.organisation_id)?
                    .ok_or_else(|| AppError::not_found("organisation"))?;
                let json = super::federation::schema_org(c, &org, &offer)?;
                // safe inside <script>: no "</" can close it
                json.to_string().replace("</", "<\\/")
            } else {
                String::new()
            };
            Ok((view, json_ld))
        })
        .await?;
    let can_apply = v.member.is_some()
        && view.state == super::PUBLISHED
        && !view.team
        && view.my_application.is_none();
    let experience = if view.experience_level.is_empty() {
        String::new()
    } else {
        v.t(&format!("job-experience-{}", view.experience_level))
    };
    let communities = match &v.member {
        Some(m) if view.team && view.state == super::PUBLISHED => {
            let me = m.actor.id;
            v.data
                .db
                .read(move |c| Ok(crate::communities::model::of_member(c, me)?))
                .await?
                .into_iter()
                .filter(|(r, _, _)| r.state == crate::communities::model::ACCEPTED)
                .map(|(_, a, _)| (a.id, a.shown_name().to_string()))
                .collect()
        }
        _ => vec![],
    };
    let chosen = |s: &str| form.sections.is_empty() || form.sections.iter().any(|x| x == s);
    html_status(
        status,
        OfferPage {
            ctx: v.page_titled(view.title.clone()),
            languages: view.languages.clone(),
            matching: view.matching_skills.clone(),
            experience,
            json_ld,
            sections: SECTIONS
                .iter()
                .map(|s| Choice {
                    value: s.to_string(),
                    label: v.t(&format!("application-section-{s}")),
                    selected: chosen(s),
                })
                .collect(),
            can_apply,
            message: form.message,
            card: offer_card(v, view),
            errors,
            communities,
        },
    )
}

/// What the offer form sends (skills and languages comma-separated).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct JobForm {
    title: String,
    description: String,
    contract_type: String,
    working_time: String,
    location: String,
    remote: String,
    salary_min: String,
    salary_max: String,
    salary_currency: String,
    salary_period: String,
    required_skills: String,
    nice_to_have_skills: String,
    experience_level: String,
    open_without_diploma: Option<String>,
    open_without_experience: Option<String>,
    start_date: String,
    closes_on: String,
    languages: String,
    how_to_apply: String,
}

const FIELDS: &[&str] = &[
    "title",
    "description",
    "contract_type",
    "working_time",
    "location",
    "remote",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "required_skills",
    "nice_to_have_skills",
    "experience_level",
    "start_date",
    "closes_on",
    "languages",
    "how_to_apply",
];

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl JobForm {
    fn input(&self) -> Result<JobInput, AppError> {
        let mut errors = vec![];
        let mut amount = |field: &str, s: &str| -> Option<i64> {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            if s.is_empty() {
                return None;
            }
            s.parse().ok().or_else(|| {
                errors.push(FieldError::new(
                    field,
                    "invalid",
                    "Write the amount in figures, without a currency (for example 1800).",
                ));
                None
            })
        };
        let (salary_min, salary_max) = (
            amount("salary_min", &self.salary_min),
            amount("salary_max", &self.salary_max),
        );
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        Ok(JobInput {
            title: self.title.clone(),
            description: self.description.clone(),
            contract_type: self.contract_type.clone(),
            working_time: self.working_time.clone(),
            location: self.location.clone(),
            remote: self.remote.clone(),
            salary_min,
            salary_max,
            salary_currency: self.salary_currency.clone(),
            salary_period: self.salary_period.clone(),
            required_skills: split(&self.required_skills),
            nice_to_have_skills: split(&self.nice_to_have_skills),
            experience_level: self.experience_level.clone(),
            open_without_diploma: self.open_without_diploma.is_some(),
            open_without_experience: self.open_without_experience.is_some(),
            start_date: some(&self.start_date),
            closes_on: some(&self.closes_on),
            languages: split(&self.languages),
            how_to_apply: self.how_to_apply.clone(),
        })
    }

    fn of(view: &OfferView) -> JobForm {
        let salary = view.salary.as_ref();
        JobForm {
            title: view.title.clone(),
            description: view.description.clone().unwrap_or_default(),
            contract_type: view.contract_type.clone(),
            working_time: view.working_time.clone(),
            location: view.location.clone(),
            remote: view.remote.clone(),
            salary_min: salary
                .and_then(|s| s.min)
                .map(|v| v.to_string())
                .unwrap_or_default(),
            salary_max: salary
                .and_then(|s| s.max)
                .map(|v| v.to_string())
                .unwrap_or_default(),
            salary_currency: salary.map(|s| s.currency.clone()).unwrap_or_default(),
            salary_period: salary.map(|s| s.period.clone()).unwrap_or_default(),
            required_skills: view.required_skills.join(", "),
            nice_to_have_skills: view.nice_to_have_skills.join(", "),
            experience_level: view.experience_level.clone(),
            open_without_diploma: view.open_without_diploma.then(|| "on".into()),
            open_without_experience: view.open_without_experience.then(|| "on".into()),
            start_date: view.start_date.map(|d| d.to_string()).unwrap_or_default(),
            closes_on: view.closes_on.map(|d| d.to_string()).unwrap_or_default(),
            languages: view.languages.join(", "),
            how_to_apply: view.how_to_apply.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "jobs/form.html")]
struct FormPage {
    ctx: Ctx,
    action: String,
    organisation: String,
    form: JobForm,
    contracts: Vec<Choice>,
    times: Vec<Choice>,
    remotes: Vec<Choice>,
    periods: Vec<Choice>,
    levels: Vec<Choice>,
    errors: FieldErrors,
}

fn form_page(
    v: &Visitor,
    action: String,
    organisation: String,
    form: JobForm,
    errors: FieldErrors,
    title: &str,
) -> FormPage {
    FormPage {
        ctx: v.page(title),
        action,
        organisation,
        contracts: choices(
            v,
            "job-contract",
            CONTRACT_TYPES,
            &form.contract_type,
            Some("job-choose"),
        ),
        times: choices(
            v,
            "job-time",
            WORKING_TIMES,
            &form.working_time,
            Some("job-not-said"),
        ),
        remotes: choices(
            v,
            "job-remote",
            REMOTE,
            if form.remote.is_empty() {
                "no"
            } else {
                &form.remote
            },
            None,
        ),
        periods: choices(
            v,
            "job-salary-per",
            SALARY_PERIODS,
            &form.salary_period,
            Some("job-not-said"),
        ),
        levels: choices(
            v,
            "job-experience",
            EXPERIENCE_LEVELS,
            &form.experience_level,
            Some("job-not-said"),
        ),
        form,
        errors,
    }
}

async fn new_form(s: SignedIn, Path(handle): Path<String>) -> WebResult {
    let v = &s.visitor;
    let org = actors::local_of_kind(&v.data, &handle, "organization").await?;
    html(form_page(
        v,
        format!("/organisations/{handle}/jobs/new"),
        org.shown_name().to_string(),
        JobForm {
            languages: v.lang.to_string(),
            ..Default::default()
        },
        FieldErrors::default(),
        "job-new-title",
    ))
}

async fn create(
    s: SignedIn,
    Path(handle): Path<String>,
    CsrfForm(form): CsrfForm<JobForm>,
) -> WebResult {
    let v = &s.visitor;
    let org = actors::local_of_kind(&v.data, &handle, "organization").await?;
    let name = org.shown_name().to_string();
    let result = match form.input() {
        Ok(input) => super::create(&v.data, &s.member, org, input).await,
        Err(e) => Err(e),
    };
    match v.form_errors(result, FIELDS)? {
        Ok(offer) => Ok(see_other(&super::offer_path(offer.id))),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(
                v,
                format!("/organisations/{handle}/jobs/new"),
                name,
                form,
                errors,
                "job-new-title",
            ),
        ),
    }
}

async fn edit_form(s: SignedIn, Path(id): Path<i64>) -> WebResult {
    let v = &s.visitor;
    let view = super::view(&v.data, id, Some(s.member.actor.clone())).await?;
    if !view.team || !view.local {
        return Err(
            AppError::Forbidden("only the organisation's team edits its offers".into()).into(),
        );
    }
    html(form_page(
        v,
        format!("/jobs/{id}/edit"),
        view.organisation.display_name.clone(),
        JobForm::of(&view),
        FieldErrors::default(),
        "job-edit-title",
    ))
}

async fn edit(s: SignedIn, Path(id): Path<i64>, CsrfForm(form): CsrfForm<JobForm>) -> WebResult {
    let v = &s.visitor;
    let result = match form.input() {
        Ok(input) => super::update(&v.data, &s.member, id, input).await,
        Err(e) => Err(e),
    };
    match v.form_errors(result, FIELDS)? {
        Ok(offer) => Ok(see_other(&super::offer_path(offer.id))),
        Err(errors) => {
            let view = super::view(&v.data, id, Some(s.member.actor.clone())).await?;
            html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(
                    v,
                    format!("/jobs/{id}/edit"),
                    view.organisation.display_name,
                    form,
                    errors,
                    "job-edit-title",
                ),
            )
        }
    }
}

/// Runs a state change and comes back to the offer, or shows the offer with the reason.
async fn change(
    s: &SignedIn,
    id: i64,
    result: crate::error::AppResult<super::model::DbOffer>,
) -> WebResult {
    let v = &s.visitor;
    match result {
        Ok(o) => Ok(see_other(&super::offer_path(o.id))),
        Err(AppError::Conflict(m)) => {
            offer_page(
                v,
                id,
                ApplyForm::default(),
                FieldErrors::general(m),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e @ AppError::Invalid(_)) => {
            let errors = v.form_errors::<()>(Err(e), &[])?.err().unwrap_or_default();
            offer_page(
                v,
                id,
                ApplyForm::default(),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn publish(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    let r = super::publish(&s.visitor.data, &s.member, id).await;
    change(&s, id, r).await
}

async fn close(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    let r = super::close(&s.visitor.data, &s.member, id).await;
    change(&s, id, r).await
}

async fn delete(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    let v = &s.visitor;
    let view = super::view(&v.data, id, Some(s.member.actor.clone())).await?;
    super::delete(&v.data, &s.member, id).await?;
    Ok(see_other(&format!("/@{}", view.organisation.username)))
}

/// What the application form sends: a message and the profile sections to share.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ApplyForm {
    message: String,
    sections: Vec<String>,
}

async fn apply(
    s: SignedIn,
    Path(id): Path<i64>,
    // a list of pairs: `sections` is repeated, once per checked box
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> WebResult {
    let v = &s.visitor;
    let form = ApplyForm {
        message: pairs
            .iter()
            .find(|(k, _)| k == "message")
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        sections: pairs
            .iter()
            .filter(|(k, _)| k == "sections")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    let input = ApplyInput {
        message: form.message.clone(),
        sections: form.sections.clone(),
    };
    let result = applications::apply(&v.data, &s.member, id, input).await;
    match result {
        Ok(a) => Ok(see_other(&format!("/applications/{}", a.id))),
        Err(AppError::Conflict(m)) => {
            offer_page(v, id, form, FieldErrors::general(m), StatusCode::CONFLICT).await
        }
        Err(e) => match v.form_errors::<()>(Err(e), &["message", "sections"])? {
            Ok(()) => unreachable!("an error stays an error"),
            Err(errors) => offer_page(v, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        },
    }
}

#[derive(Template)]
#[template(path = "jobs/applications.html")]
struct ApplicationsPage {
    ctx: Ctx,
    offer_href: String,
    applications: Vec<ApplicationCard>,
}

/// An application in a list or on its page.
pub struct ApplicationCard {
    pub a: ApplicationView,
    pub href: String,
    pub applicant_href: String,
    pub status: String,
    pub sent: String,
}

fn application_card(v: &Visitor, a: ApplicationView) -> ApplicationCard {
    let ctx = v.page_titled(String::new());
    ApplicationCard {
        href: format!("/applications/{}", a.id),
        applicant_href: if a.applicant.local {
            format!("/@{}", a.applicant.username)
        } else {
            format!("/@{}@{}", a.applicant.username, a.applicant.domain)
        },
        status: v.t(&format!("application-status-{}", a.status)),
        sent: ctx.date(&a.created_at),
        a,
    }
}

async fn applications_page(s: SignedIn, Path(id): Path<i64>) -> WebResult {
    let v = &s.visitor;
    let list = applications::to_offer(&v.data, s.member.actor.clone(), id).await?;
    let view = super::view(&v.data, id, Some(s.member.actor.clone())).await?;
    html(ApplicationsPage {
        ctx: v.page_titled(v.t_with("applications-title", "title", &view.title)),
        offer_href: super::offer_path(id),
        applications: list.into_iter().map(|a| application_card(v, a)).collect(),
    })
}

#[derive(Template)]
#[template(path = "jobs/application.html")]
struct ApplicationPage {
    ctx: Ctx,
    card: ApplicationCard,
    sections: crate::profiles::web::view::SectionsView,
    answers: Vec<(String, Option<String>, String, String)>,
    statuses: Vec<Choice>,
    errors: FieldErrors,
}

async fn application_page(s: SignedIn, Path(id): Path<i64>) -> WebResult {
    application_page_with(&s, id, FieldErrors::default(), StatusCode::OK).await
}

async fn application_page_with(
    s: &SignedIn,
    id: i64,
    errors: FieldErrors,
    status: StatusCode,
) -> WebResult {
    let v = &s.visitor;
    let a = applications::view(&v.data, s.member.actor.clone(), id).await?;
    let ctx = v.page_titled(v.t_with("application-title", "title", &a.offer_title));
    let answers = a
        .answers
        .iter()
        .map(|x| {
            (
                x.author
                    .as_ref()
                    .map(|a| a.display_name.clone())
                    .unwrap_or_default(),
                x.status
                    .as_ref()
                    .map(|st| v.t(&format!("application-status-{st}"))),
                x.content_html.clone(),
                ctx.date(&x.created_at),
            )
        })
        .collect();
    let statuses = choices(v, "application-status", STATUSES, &a.status, None);
    let sections =
        crate::profiles::web::view::SectionsView::new(v, &a.shared_profile, vec![], false);
    html_status(
        status,
        ApplicationPage {
            ctx,
            sections,
            answers,
            statuses,
            card: application_card(v, a),
            errors,
        },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AnswerForm {
    status: String,
    message: String,
}

async fn answer(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> WebResult {
    let v = &s.visitor;
    let current = applications::view(&v.data, s.member.actor.clone(), id).await?;
    let input = AnswerInput {
        // the select always sends a status: only a change counts as one
        status: (form.status != current.status && !form.status.is_empty())
            .then(|| form.status.clone()),
        message: form.message.clone(),
    };
    let result = applications::answer(&v.data, &s.member, id, input).await;
    match v.form_errors(result, &["status", "message"])? {
        Ok(_) => Ok(see_other(&format!("/applications/{id}"))),
        Err(errors) => {
            application_page_with(&s, id, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Template)]
#[template(path = "jobs/mine.html")]
struct MinePage {
    ctx: Ctx,
    applications: Vec<ApplicationCard>,
}

async fn my_applications(s: SignedIn) -> WebResult {
    let v = &s.visitor;
    let list = applications::mine(&v.data, s.member.actor.clone()).await?;
    html(MinePage {
        ctx: v.page("my-applications-title"),
        applications: list.into_iter().map(|a| application_card(v, a)).collect(),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CommunityForm {
    community: i64,
}

/// `POST /jobs/{id}/community`: a recruiter posts the offer into one of their communities; they
/// land on the new thread.
async fn post_to_community(
    s: SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CommunityForm>,
) -> WebResult {
    let v = &s.visitor;
    let post = super::post_to_community(&v.data, &s.member, id, form.community).await?;
    let community = actors::by_id(&v.data, post.community_id).await?;
    Ok(see_other(&format!(
        "{}/threads/{}",
        crate::web::profile_path(&community),
        post.id
    )))
}
