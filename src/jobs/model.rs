//! Rows and queries of `job_offers`, `job_offer_skills`, `job_applications` and
//! `job_application_answers`. The job board's full-text query is in [`super::search`].

use crate::db::{
    DbConn,
    schema::{job_application_answers, job_applications, job_offer_skills, job_offers},
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A job offer, local or received.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = job_offers)]
pub struct DbOffer {
    pub id: i64,
    pub ap_id: String,
    pub organisation_id: i64,
    pub author_id: Option<i64>,
    pub local: bool,
    pub state: String,
    pub title: String,
    pub description: String,
    pub content_html: String,
    pub contract_type: String,
    pub working_time: String,
    pub location: String,
    pub location_key: String,
    pub remote: String,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: String,
    pub salary_period: String,
    pub experience_level: String,
    pub open_without_diploma: bool,
    pub open_without_experience: bool,
    pub start_date: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
    pub languages: String,
    pub how_to_apply: String,
    pub url: String,
    pub search_text: String,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl DbOffer {
    /// Language tags of the offer (`languages` is stored `,fr,en,`).
    pub fn language_list(&self) -> Vec<String> {
        self.languages
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Published, and its closing date (if any) not passed.
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.state == super::PUBLISHED && self.closes_on.is_none_or(|d| d >= today)
    }
}

/// What an offer is made of, for inserting or replacing it.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = job_offers)]
#[diesel(treat_none_as_null = true)]
pub struct OfferFields {
    pub title: String,
    pub description: String,
    pub content_html: String,
    pub contract_type: String,
    pub working_time: String,
    pub location: String,
    pub location_key: String,
    pub remote: String,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: String,
    pub salary_period: String,
    pub experience_level: String,
    pub open_without_diploma: bool,
    pub open_without_experience: bool,
    pub start_date: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
    pub languages: String,
    pub how_to_apply: String,
    pub search_text: String,
    /// The filterable values as words (see [`super::search::facets`]).
    pub search_facets: String,
    pub updated_at: NaiveDateTime,
}

/// The columns set once, when an offer is first stored.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = job_offers)]
pub struct NewOffer {
    pub ap_id: String,
    pub organisation_id: i64,
    pub author_id: Option<i64>,
    pub local: bool,
    pub state: String,
    pub url: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A skill of an offer.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = job_offer_skills)]
pub struct SkillRow {
    pub offer_id: i64,
    pub tag_key: String,
    pub name: String,
    pub required: bool,
}

/// Inserts an offer and its skills; returns it.
pub fn insert(
    conn: &mut DbConn,
    new: &NewOffer,
    fields: &OfferFields,
    skills: &[(String, String, bool)],
) -> QueryResult<DbOffer> {
    let id: i64 = diesel::insert_into(job_offers::table)
        .values((new, fields))
        .returning(job_offers::id)
        .get_result(conn)?;
    set_skills(conn, id, skills)?;
    found(conn, id)
}

/// Replaces the fields and skills of an offer.
pub fn update(
    conn: &mut DbConn,
    id: i64,
    fields: &OfferFields,
    skills: &[(String, String, bool)],
) -> QueryResult<DbOffer> {
    diesel::update(job_offers::table.find(id))
        .set(fields)
        .execute(conn)?;
    set_skills(conn, id, skills)?;
    found(conn, id)
}

/// Replaces an offer's skills: (tag key, name, required).
fn set_skills(conn: &mut DbConn, id: i64, skills: &[(String, String, bool)]) -> QueryResult<()> {
    diesel::delete(job_offer_skills::table.filter(job_offer_skills::offer_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<SkillRow> = skills
        .iter()
        .map(|(k, n, r)| SkillRow {
            offer_id: id,
            tag_key: k.clone(),
            name: n.clone(),
            required: *r,
        })
        .collect();
    if !rows.is_empty() {
        crate::native!(conn, |c| diesel::insert_into(job_offer_skills::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

pub fn set_state(
    conn: &mut DbConn,
    id: i64,
    state: &str,
    published_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> QueryResult<DbOffer> {
    diesel::update(job_offers::table.find(id))
        .set((
            job_offers::state.eq(state),
            job_offers::published_at.eq(published_at),
            job_offers::updated_at.eq(at),
        ))
        .execute(conn)?;
    found(conn, id)
}

/// The offer `id`, which exists.
pub fn found(conn: &mut DbConn, id: i64) -> QueryResult<DbOffer> {
    job_offers::table
        .find(id)
        .select(DbOffer::as_select())
        .get_result(conn)
}

pub fn get(conn: &mut DbConn, id: i64) -> QueryResult<Option<DbOffer>> {
    job_offers::table
        .find(id)
        .select(DbOffer::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_ap_id(conn: &mut DbConn, ap_id: &str) -> QueryResult<Option<DbOffer>> {
    job_offers::table
        .filter(job_offers::ap_id.eq(ap_id))
        .select(DbOffer::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_ids(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<DbOffer>> {
    job_offers::table
        .filter(job_offers::id.eq_any(ids))
        .select(DbOffer::as_select())
        .load(conn)
}

pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(job_offers::table.find(id)).execute(conn)
}

/// The skills of some offers, in the order they were given.
pub fn skills_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<SkillRow>> {
    job_offer_skills::table
        .filter(job_offer_skills::offer_id.eq_any(ids))
        .order((job_offer_skills::offer_id, job_offer_skills::name))
        .select(SkillRow::as_select())
        .load(conn)
}

/// An organisation's offers in `states`, newest first.
pub fn of_organisation(
    conn: &mut DbConn,
    organisation: i64,
    states: &[&str],
    limit: i64,
) -> QueryResult<Vec<DbOffer>> {
    job_offers::table
        .filter(job_offers::organisation_id.eq(organisation))
        .filter(job_offers::state.eq_any(states))
        .order((job_offers::published_at.desc(), job_offers::id.desc()))
        .limit(limit)
        .select(DbOffer::as_select())
        .load(conn)
}

/// Local published offers whose closing date is before `today`.
pub fn expired(conn: &mut DbConn, today: NaiveDate) -> QueryResult<Vec<DbOffer>> {
    job_offers::table
        .filter(job_offers::state.eq(super::PUBLISHED))
        .filter(job_offers::closes_on.lt(today))
        .filter(job_offers::local.eq(true))
        .select(DbOffer::as_select())
        .load(conn)
}

/// Every published local offer, for a partner that starts receiving them.
pub fn published_local(conn: &mut DbConn) -> QueryResult<Vec<DbOffer>> {
    job_offers::table
        .filter(job_offers::state.eq(super::PUBLISHED))
        .filter(job_offers::local.eq(true))
        .order(job_offers::id)
        .select(DbOffer::as_select())
        .load(conn)
}

/// Forgets the offers received from an organisation (its account was deleted).
pub fn close_all_of(conn: &mut DbConn, organisation: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        job_offers::table
            .filter(job_offers::organisation_id.eq(organisation))
            .filter(job_offers::state.eq(super::PUBLISHED)),
    )
    .set((
        job_offers::state.eq(super::CLOSED),
        job_offers::updated_at.eq(at),
    ))
    .execute(conn)
}

// ---- applications

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = job_applications)]
pub struct DbApplication {
    pub id: i64,
    pub ap_id: String,
    pub offer_id: i64,
    pub applicant_id: i64,
    pub message_html: String,
    pub shared_profile: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = job_applications)]
pub struct NewApplication {
    pub ap_id: String,
    pub offer_id: i64,
    pub applicant_id: i64,
    pub message_html: String,
    pub shared_profile: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = job_application_answers)]
pub struct DbAnswer {
    pub id: i64,
    pub ap_id: String,
    pub application_id: i64,
    pub author_id: Option<i64>,
    pub status: Option<String>,
    pub content_html: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = job_application_answers)]
pub struct NewAnswer {
    pub ap_id: String,
    pub application_id: i64,
    pub author_id: Option<i64>,
    pub status: Option<String>,
    pub content_html: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_application(conn: &mut DbConn, new: &NewApplication) -> QueryResult<DbApplication> {
    let id: i64 = diesel::insert_into(job_applications::table)
        .values(new)
        .returning(job_applications::id)
        .get_result(conn)?;
    job_applications::table
        .find(id)
        .select(DbApplication::as_select())
        .get_result(conn)
}

pub fn application(conn: &mut DbConn, id: i64) -> QueryResult<Option<DbApplication>> {
    job_applications::table
        .find(id)
        .select(DbApplication::as_select())
        .get_result(conn)
        .optional()
}

pub fn application_by_ap_id(conn: &mut DbConn, ap_id: &str) -> QueryResult<Option<DbApplication>> {
    job_applications::table
        .filter(job_applications::ap_id.eq(ap_id))
        .select(DbApplication::as_select())
        .get_result(conn)
        .optional()
}

pub fn application_of(
    conn: &mut DbConn,
    offer: i64,
    applicant: i64,
) -> QueryResult<Option<DbApplication>> {
    job_applications::table
        .filter(job_applications::offer_id.eq(offer))
        .filter(job_applications::applicant_id.eq(applicant))
        .select(DbApplication::as_select())
        .get_result(conn)
        .optional()
}

/// A member's applications to some offers: (offer id, application id).
pub fn applications_of_to(
    conn: &mut DbConn,
    applicant: i64,
    offers: &[i64],
) -> QueryResult<Vec<(i64, i64)>> {
    job_applications::table
        .filter(job_applications::applicant_id.eq(applicant))
        .filter(job_applications::offer_id.eq_any(offers))
        .select((job_applications::offer_id, job_applications::id))
        .load(conn)
}

/// The applications to an offer, oldest first.
pub fn applications_to(conn: &mut DbConn, offer: i64) -> QueryResult<Vec<DbApplication>> {
    job_applications::table
        .filter(job_applications::offer_id.eq(offer))
        .order(job_applications::id)
        .select(DbApplication::as_select())
        .load(conn)
}

pub fn count_applications(conn: &mut DbConn, offer: i64) -> QueryResult<i64> {
    job_applications::table
        .filter(job_applications::offer_id.eq(offer))
        .count()
        .get_result(conn)
}

/// A member's applications, newest first.
pub fn applications_of(conn: &mut DbConn, applicant: i64) -> QueryResult<Vec<DbApplication>> {
    job_applications::table
        .filter(job_applications::applicant_id.eq(applicant))
        .order(job_applications::id.desc())
        .select(DbApplication::as_select())
        .load(conn)
}

pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(job_applications::table.find(id))
        .set((
            job_applications::status.eq(status),
            job_applications::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn insert_answer(conn: &mut DbConn, new: &NewAnswer) -> QueryResult<usize> {
    diesel::insert_into(job_application_answers::table)
        .values(new)
        .execute(conn)
}

pub fn answer_exists(conn: &mut DbConn, ap_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        job_application_answers::table.filter(job_application_answers::ap_id.eq(ap_id)),
    ))
    .get_result(conn)
}

pub fn answers_to(conn: &mut DbConn, application: i64) -> QueryResult<Vec<DbAnswer>> {
    job_application_answers::table
        .filter(job_application_answers::application_id.eq(application))
        .order(job_application_answers::id)
        .select(DbAnswer::as_select())
        .load(conn)
}

/// When each local offer published since `since` was first published.
pub fn local_published_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    job_offers::table
        .filter(job_offers::local.eq(true))
        .filter(job_offers::published_at.ge(since))
        .select(job_offers::published_at.assume_not_null())
        .load(conn)
}
