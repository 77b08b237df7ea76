//! Atom feeds of job offers: one per local organisation (`/orgs/{handle}/jobs.atom`) and one
//! per job board search (`/jobs.atom?…`, the board's filters), for feed readers and job sites.

use super::{OfferView, search::BoardQuery};
use crate::{
    actors::{self, model::DbActor},
    error::AppResult,
    state::AppState,
    web::i18n::LANGUAGES,
};
use activitypub_federation::config::Data;
use atom_syndication::{Category, Content, Entry, Feed, Generator, Link, Person, Text};
use axum::{
    extract::{Path, Query},
    http::header,
    response::{IntoResponse, Response},
};
use chrono::{FixedOffset, NaiveDateTime};

const ATOM: &str = "application/atom+xml; charset=utf-8";

fn time(t: NaiveDateTime) -> chrono::DateTime<FixedOffset> {
    t.and_utc().fixed_offset()
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    Link {
        href,
        rel: rel.into(),
        mime_type: mime.map(str::to_string),
        ..Default::default()
    }
}

/// The feed of `offers`, titled `title`, found at `self_url` and shown at `page_url`.
pub fn feed(
    state: &AppState,
    title: String,
    self_url: String,
    page_url: String,
    offers: &[OfferView],
) -> Feed {
    let t = |key: &str| state.i18n.message(LANGUAGES[0], key, &[]);
    let updated = offers
        .iter()
        .map(|o| o.updated_at)
        .max()
        .map(time)
        .unwrap_or_else(|| chrono::DateTime::UNIX_EPOCH.fixed_offset());
    let entries = offers
        .iter()
        .map(|o| {
            let mut facts = vec![t(&format!("job-contract-{}", o.contract_type))];
            if !o.location.is_empty() {
                facts.push(o.location.clone());
            }
            if o.remote != "no" {
                facts.push(t(&format!("job-remote-{}", o.remote)));
            }
            Entry {
                title: Text::plain(o.title.clone()),
                id: o.ap_id.clone(),
                updated: time(o.updated_at),
                published: o.published_at.map(time),
                authors: vec![Person {
                    name: o.organisation.display_name.clone(),
                    uri: o.organisation.url.clone(),
                    ..Default::default()
                }],
                categories: o
                    .required_skills
                    .iter()
                    .chain(&o.nice_to_have_skills)
                    .map(|s| Category {
                        term: s.clone(),
                        ..Default::default()
                    })
                    .collect(),
                links: vec![link(o.url.clone(), "alternate", Some("text/html"))],
                summary: Some(Text::plain(facts.join(" · "))),
                content: Some(Content {
                    value: Some(o.content_html.clone()),
                    content_type: Some("html".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    Feed {
        title: Text::plain(title),
        id: self_url.clone(),
        updated,
        authors: vec![Person {
            name: state.config.instance.name.clone(),
            uri: Some(state.base_url.to_string()),
            ..Default::default()
        }],
        generator: Some(Generator {
            value: "Passerelle".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            ..Default::default()
        }),
        links: vec![
            link(self_url, "self", Some("application/atom+xml")),
            link(page_url, "alternate", Some("text/html")),
        ],
        entries,
        ..Default::default()
    }
}

fn respond(feed: Feed) -> Response {
    ([(header::CONTENT_TYPE, ATOM)], feed.to_string()).into_response()
}

/// `GET /orgs/{handle}/jobs.atom`: a local organisation's open offers.
pub async fn organisation_feed(
    data: Data<AppState>,
    Path(handle): Path<String>,
) -> AppResult<Response> {
    if !data.config.web.public_pages {
        return Err(crate::error::AppError::NotFound(
            "this server's pages and feeds are for its members".into(),
        ));
    }
    let org: DbActor = actors::local_of_kind(&data, &handle, "organization").await?;
    let offers = super::of_organisation(&data, org.clone(), None).await?;
    let t = data.i18n.message(
        LANGUAGES[0],
        "job-feed-organisation",
        &[("name", org.shown_name().into())],
    );
    let base = &data.base_url;
    Ok(respond(feed(
        &data,
        t,
        base.join(&format!("/orgs/{handle}/jobs.atom"))?.to_string(),
        base.join(&format!("/@{handle}"))?.to_string(),
        &offers,
    )))
}

/// `GET /jobs.atom?…`: the open offers of a job board search (newest first).
pub async fn search_feed(
    data: Data<AppState>,
    Query(mut query): Query<BoardQuery>,
) -> AppResult<Response> {
    query.sort = Some("date".into());
    query.page = None;
    query.per_page = Some(super::search::MAX_PER_PAGE);
    let q = query.clone();
    let (offers, _) = data
        .db
        .read(move |c| super::search::board(c, &q, None))
        .await?;
    let qs = query.query_string(None);
    let base = &data.base_url;
    let title = data.i18n.message(LANGUAGES[0], "job-feed-search", &[]);
    Ok(respond(feed(
        &data,
        title,
        base.join(&format!("/jobs.atom?{qs}"))?.to_string(),
        base.join(&format!("/jobs?{qs}"))?.to_string(),
        &offers,
    )))
}
