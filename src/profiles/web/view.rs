//! A professional profile as pages show it: every label translated, dates in words, texts
//! turned into paragraphs. Shared by the profile page and the previews.

use crate::{
    html,
    profiles::{
        document::{Entry, LANGUAGE_LEVELS, ProfileDoc, SEEKING},
        model::Field,
    },
    web::Visitor,
};
use fluent_bundle::FluentValue;

/// A skill tag with the address of the people who share it.
pub struct TagLink {
    pub name: String,
    pub href: String,
}

fn tag_link(name: &str) -> TagLink {
    TagLink {
        name: name.to_string(),
        href: format!(
            "/people?{}",
            serde_urlencoded::to_string([("tag", name)]).unwrap_or_default()
        ),
    }
}

pub struct EntryView {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub organisation: String,
    pub place: String,
    pub dates: String,
    /// HTML made from the member's plain text.
    pub description: String,
    pub motivation: String,
    pub diploma: String,
    pub url: Option<String>,
    pub skills: Vec<TagLink>,
    /// Who may read it (shown to the owner only).
    pub visibility: String,
    /// BCP 47 tag when it differs from the profile's.
    pub lang: Option<String>,
}

pub struct SkillView {
    pub tag: TagLink,
    pub level: String,
    pub keywords: Vec<TagLink>,
}

/// Everything the profile sections template shows.
pub struct SectionsView {
    pub lang: Option<String>,
    pub headline: String,
    pub location: String,
    pub seeking: Vec<String>,
    /// (language, level)
    pub languages: Vec<(String, String)>,
    /// (label, address)
    pub links: Vec<(String, String)>,
    pub skills: Vec<SkillView>,
    pub experiences: Vec<EntryView>,
    pub education: Vec<EntryView>,
    /// A remote actor's fields (values are sanitised HTML).
    pub fields: Vec<Field>,
    /// Whether to show who may read each part (the owner's own views).
    pub show_visibility: bool,
}

impl SectionsView {
    pub fn is_empty(&self) -> bool {
        self.headline.is_empty()
            && self.location.is_empty()
            && self.seeking.is_empty()
            && self.languages.is_empty()
            && self.links.is_empty()
            && self.skills.is_empty()
            && self.experiences.is_empty()
            && self.education.is_empty()
            && self.fields.is_empty()
    }

    pub fn new(v: &Visitor, doc: &ProfileDoc, fields: Vec<Field>, show_visibility: bool) -> Self {
        let t = |key: &str| v.t(key);
        SectionsView {
            lang: doc.in_language.clone(),
            headline: doc.headline.clone(),
            location: doc.location.as_ref().map(|l| l.label()).unwrap_or_default(),
            seeking: doc
                .seeking
                .iter()
                .filter(|s| SEEKING.contains(&s.as_str()))
                .map(|s| t(&format!("seeking-{s}")))
                .collect(),
            languages: doc
                .languages
                .iter()
                .map(|l| {
                    let level = if LANGUAGE_LEVELS.contains(&l.proficiency.as_str()) {
                        t(&format!("language-level-{}", l.proficiency))
                    } else {
                        l.proficiency.clone()
                    };
                    (l.name.clone(), level)
                })
                .collect(),
            links: doc
                .links
                .iter()
                .map(|l| {
                    let label = if l.name.is_empty() {
                        l.href.clone()
                    } else if l.username.is_empty() {
                        l.name.clone()
                    } else {
                        format!("{} ({})", l.name, l.username)
                    };
                    (label, l.href.clone())
                })
                .collect(),
            skills: doc
                .skills
                .iter()
                .map(|s| SkillView {
                    tag: tag_link(&s.name),
                    level: s.level.clone(),
                    keywords: s.keywords.iter().map(|k| tag_link(k)).collect(),
                })
                .collect(),
            experiences: doc
                .experiences
                .iter()
                .map(|e| entry_view(v, doc, e))
                .collect(),
            education: doc
                .education
                .iter()
                .map(|e| entry_view(v, doc, e))
                .collect(),
            fields,
            show_visibility,
        }
    }
}

pub fn entry_view(v: &Visitor, doc: &ProfileDoc, e: &Entry) -> EntryView {
    EntryView {
        id: e.id.clone(),
        kind: v.t(&format!("experience-kind-{}", e.kind.replace('_', "-"))),
        title: e.title.clone(),
        organisation: e.organisation.clone(),
        place: e.place.clone(),
        dates: dates(v, e),
        description: html::plain_text_to_html(&e.description),
        motivation: html::plain_text_to_html(&e.motivation),
        diploma: e.diploma.clone(),
        url: e.url.clone(),
        skills: e.skills.iter().map(|s| tag_link(s)).collect(),
        visibility: v.t(&format!("visibility-{}", e.visibility.as_str())),
        lang: e
            .in_language
            .clone()
            .filter(|l| Some(l) != doc.in_language.as_ref()),
    }
}

/// "July 2019", "2019", with the day when given.
fn date_words(v: &Visitor, d: &str) -> String {
    let parts: Vec<&str> = d.split('-').collect();
    match parts.as_slice() {
        [y, m] => format!(
            "{} {y}",
            v.t(&format!("month-{}", m.parse::<u32>().unwrap_or(1)))
        ),
        [y, m, day] => format!(
            "{} {} {y}",
            day.trim_start_matches('0'),
            v.t(&format!("month-{}", m.parse::<u32>().unwrap_or(1)))
        ),
        _ => d.to_string(),
    }
}

/// The dates of an entry in words: "July 2019 – March 2021", "since 2022", "around 2015".
fn dates(v: &Visitor, e: &Entry) -> String {
    let start = e.start_date.as_deref().map(|d| date_words(v, d));
    let end = e.end_date.as_deref().map(|d| date_words(v, d));
    let msg = |key: &str, args: &[(&str, String)]| {
        let args: Vec<(&str, FluentValue)> = args
            .iter()
            .map(|(k, val)| (*k, FluentValue::from(val.clone())))
            .collect();
        v.data.i18n.message(v.lang, key, &args)
    };
    let text = match (start, end, e.ongoing) {
        (Some(s), _, true) => msg("dates-since", &[("start", s)]),
        (None, _, true) => v.t("dates-ongoing"),
        (Some(s), Some(e), false) if s == e => s,
        (Some(s), Some(e), false) => msg("dates-range", &[("start", s), ("end", e)]),
        (Some(s), None, false) => s,
        (None, Some(e), false) => msg("dates-until", &[("end", e)]),
        (None, None, false) => String::new(),
    };
    if e.approximate_dates && !text.is_empty() {
        msg("dates-approximate", &[("dates", text)])
    } else {
        text
    }
}
