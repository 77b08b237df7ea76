//! Browsing people and experiences by skill tag and kind of experience, here and on the
//! servers this instance knows.

use crate::{
    profiles::{self, document::EXPERIENCE_KINDS},
    web::{Ctx, Visitor, WebResult, html, profile_path, shown_handle},
};
use askama::Template;
use axum::{Router, extract::Query, routing::get};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new().route("/people", get(people))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BrowseQuery {
    tag: String,
    kind: String,
}

pub struct Found {
    pub name: String,
    pub handle: String,
    pub href: String,
    pub title: String,
    pub kind: String,
    pub organisation: String,
    pub entry_href: Option<String>,
}

#[derive(Template)]
#[template(path = "profiles/browse.html")]
struct BrowsePage {
    ctx: Ctx,
    tag: String,
    kinds: Vec<super::editor::Choice>,
    searched: bool,
    found: Vec<Found>,
    popular: Vec<(String, String, i64)>,
}

/// `/people?tag=soudure&kind=volunteering`. Visitors see public parts only; members also
/// what their follows and their instance let them see.
async fn people(v: Visitor, Query(q): Query<BrowseQuery>) -> WebResult {
    let tag = q.tag.trim().trim_start_matches('#').to_string();
    let kind = q.kind.trim().to_string();
    let kind_ok = kind.is_empty()
        || EXPERIENCE_KINDS.contains(&kind.as_str())
        || kind == profiles::document::EDUCATION_KIND;
    let viewer = v.member.as_ref().map(|m| m.actor.clone());
    let searched = !(tag.is_empty() && kind.is_empty());
    let found = if kind_ok {
        profiles::browse(
            &v.data,
            viewer.as_ref(),
            Some(tag.as_str()),
            Some(kind.as_str()),
            50,
        )
        .await?
    } else {
        vec![]
    };
    let popular = v
        .data
        .db
        .read(|c| Ok(profiles::model::popular_tags(c, 30)?))
        .await?;
    let label = |k: &str| v.t(&format!("experience-kind-{}", k.replace('_', "-")));
    let mut kinds: Vec<super::editor::Choice> = EXPERIENCE_KINDS
        .iter()
        .chain(&[profiles::document::EDUCATION_KIND])
        .map(|k| super::editor::Choice {
            value: k.to_string(),
            label: label(k),
            selected: *k == kind,
        })
        .collect();
    kinds.insert(
        0,
        super::editor::Choice {
            value: String::new(),
            label: v.t("browse-any-kind"),
            selected: kind.is_empty(),
        },
    );
    html(BrowsePage {
        ctx: v.page("browse-title"),
        found: found
            .into_iter()
            .map(|m| {
                let href = profile_path(&m.actor);
                Found {
                    name: m.actor.shown_name().to_string(),
                    handle: shown_handle(&m.actor),
                    entry_href: (!m.entry_id.is_empty())
                        .then(|| format!("{href}#entry-{}", m.entry_id)),
                    href,
                    title: m.title,
                    kind: if m.kind == "skill" {
                        v.t("browse-listed-skill")
                    } else {
                        label(&m.kind)
                    },
                    organisation: m.organisation,
                }
            })
            .collect(),
        popular: popular
            .into_iter()
            .map(|(t, n)| {
                let href = format!(
                    "/people?{}",
                    serde_urlencoded::to_string([("tag", &t)]).unwrap_or_default()
                );
                (t, href, n)
            })
            .collect(),
        tag,
        kinds,
        searched,
    })
}
