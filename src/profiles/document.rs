//! The professional profile as one document: sections, experiences and education, each with
//! its visibility; validation of what a member writes, cleaning of what another server sends,
//! and the cut a given audience may read.
//!
//! The same document is the member's draft, the published snapshot, and (cut for its reader)
//! the `Profile` object on the wire: its property names are the terms of our JSON-LD context
//! (see [`super::federation::profile_context_terms`] and docs/FEDERATION.md).

use crate::error::{AppError, AppResult, FieldError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use unicode_normalization::UnicodeNormalization;
use url::Url;

/// Who may read a section or an entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Anyone, including search engines and other servers.
    #[default]
    Public,
    /// People who follow the member (on any instance).
    Followers,
    /// Members of the member's own instance.
    Instance,
    /// Only the member.
    Private,
}

impl Visibility {
    pub const ALL: [Visibility; 4] = [
        Visibility::Public,
        Visibility::Followers,
        Visibility::Instance,
        Visibility::Private,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Followers => "followers",
            Visibility::Instance => "instance",
            Visibility::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Who is reading a profile, as far as visibility is concerned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    /// The member themself.
    pub owner: bool,
    /// Someone whose follow the member accepted (or, for a server fetching, a server where the
    /// member has such a follower: it then shows those parts to those followers only).
    pub follower: bool,
    /// A member of the same instance as the profile's owner.
    pub same_instance: bool,
}

impl Audience {
    pub const ANONYMOUS: Audience = Audience {
        owner: false,
        follower: false,
        same_instance: false,
    };
    pub const OWNER: Audience = Audience {
        owner: true,
        follower: true,
        same_instance: true,
    };

    pub fn sees(self, v: Visibility) -> bool {
        match v {
            Visibility::Public => true,
            Visibility::Followers => self.follower || self.owner,
            Visibility::Instance => self.same_instance || self.owner,
            Visibility::Private => self.owner,
        }
    }
}

/// Kinds of experience a member can tell; anything is worth telling.
pub const EXPERIENCE_KINDS: &[&str] = &[
    "job",
    "internship",
    "apprenticeship",
    "volunteering",
    "associative",
    "family",
    "small_job",
    "training",
    "project",
    "travel",
    "other",
];
/// The kind of every education entry.
pub const EDUCATION_KIND: &str = "education";
/// What a member may be looking for.
pub const SEEKING: &[&str] = &[
    "job",
    "internship",
    "apprenticeship",
    "training",
    "volunteering",
    "opportunities",
];
/// Levels offered for spoken languages (the field also takes free text, as JSON Resume does).
pub const LANGUAGE_LEVELS: &[&str] = &[
    "native",
    "fluent",
    "professional",
    "intermediate",
    "beginner",
];

pub const MAX_HEADLINE: usize = 140;
pub const MAX_SHORT: usize = 200;
pub const MAX_LONG: usize = 5000;
pub const MAX_ENTRIES: usize = 100;
pub const MAX_TAGS: usize = 30;
pub const MAX_SKILLS: usize = 100;
pub const MAX_LIST: usize = 20;
pub const MAX_TAG: usize = 60;

/// City and region, both optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Location {
    #[serde(rename = "addressLocality", skip_serializing_if = "String::is_empty")]
    pub city: String,
    #[serde(rename = "addressRegion", skip_serializing_if = "String::is_empty")]
    pub region: String,
}

impl Location {
    pub fn is_empty(&self) -> bool {
        self.city.is_empty() && self.region.is_empty()
    }

    /// "City, Region", or whichever is set.
    pub fn label(&self) -> String {
        [self.city.as_str(), self.region.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A language the member speaks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SpokenLanguage {
    /// Its name or BCP 47 tag, as the member wrote it ("français", "en").
    pub name: String,
    /// One of `native`, `fluent`, `professional`, `intermediate`, `beginner`, or free text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub proficiency: String,
}

/// A link the member shares (website, portfolio, another network).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProfileLink {
    /// What it is ("Portfolio", "GitHub").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// An http(s) address.
    pub href: String,
    /// The member's name on that site, if any.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub username: String,
}

/// A skill of the free list, with an optional level and related keywords.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Skill {
    pub name: String,
    #[serde(rename = "skillLevel", skip_serializing_if = "String::is_empty")]
    pub level: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

/// An experience (of any kind) or an education entry, told in the member's words.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct Entry {
    /// Stable id inside the profile (set by the server).
    #[serde(rename = "entryId")]
    pub id: String,
    /// One of [`EXPERIENCE_KINDS`], or `education`.
    #[serde(rename = "experienceKind")]
    pub kind: String,
    /// The role, the activity or the course ("Animateur de colonie", "CAP cuisine").
    #[serde(rename = "name")]
    pub title: String,
    /// Organisation, as free text.
    #[serde(rename = "organizationName", skip_serializing_if = "String::is_empty")]
    pub organisation: String,
    /// Link to an organisation known to the instance (its ActivityPub id).
    #[serde(rename = "organization", skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<String>,
    /// The organisation's website.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(rename = "placeName", skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Still going on (then there is no end date).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ongoing: bool,
    /// The dates are approximate ("around summer 2019").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate_dates: bool,
    /// What I did.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// What I liked, what motivated me.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub motivation: String,
    /// Education only: the diploma obtained, if any (never required).
    #[serde(
        rename = "educationalCredentialAwarded",
        skip_serializing_if = "String::is_empty"
    )]
    pub diploma: String,
    /// Skills shown in this experience, as tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    pub visibility: Visibility,
    /// BCP 47 tag of this entry's texts when it differs from the profile's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    /// JSON Resume properties Passerelle does not show, kept for export. Never federated.
    #[serde(rename = "resumeExtra", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub extra: Option<Map<String, Value>>,
}

/// The visibility of each section that is not a list of entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SectionVisibility {
    pub headline: Visibility,
    pub location: Visibility,
    pub languages: Visibility,
    pub seeking: Visibility,
    pub links: Visibility,
    pub skills: Visibility,
}

/// A whole professional profile.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ProfileDoc {
    /// BCP 47 tag of the profile's texts (`fr`, `en`, `fr-BE`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    /// One line saying who I am or what I do.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub headline: String,
    #[serde(rename = "homeLocation", skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(rename = "knowsLanguage", skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<SpokenLanguage>,
    /// What I am looking for: values of [`SEEKING`].
    #[serde(rename = "seeks", skip_serializing_if = "Vec::is_empty")]
    pub seeking: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<ProfileLink>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<Skill>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub experiences: Vec<Entry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub education: Vec<Entry>,
    #[serde(rename = "sectionVisibility")]
    pub visibility: SectionVisibility,
    /// JSON Resume properties Passerelle does not show (contact details, awards…), kept for
    /// export. Never federated.
    #[serde(rename = "resumeExtra", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub extra: Option<Map<String, Value>>,
}

/// The normalised key of a skill tag: lower case, accents removed, words joined by `-`, a
/// leading `#` ignored. Empty when nothing is left.
pub fn tag_key(tag: &str) -> String {
    let folded: String = tag
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// A tag as shown: trimmed, without a leading `#`, inner spaces collapsed.
fn clean_tag(tag: &str) -> String {
    tag.trim()
        .trim_start_matches('#')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `s` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a plausible month and day.
pub fn valid_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => num(y, 4),
        [y, m] => num(y, 4) && num(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, d] => {
            num(y, 4)
                && num(m, 2)
                && num(d, 2)
                && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        }
        _ => false,
    }
}

fn valid_http_url(s: &str) -> bool {
    Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
}

/// Collects field errors with a path prefix (`experiences.2.title`).
struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn fail(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, message));
    }

    /// Trims `s` in place and checks its length.
    fn text(&mut self, field: &str, s: &mut String, max: usize) {
        *s = s.trim().to_string();
        if s.chars().count() > max {
            self.fail(
                field,
                "too_long",
                format!("This text has at most {max} characters."),
            );
        }
    }

    fn language(&mut self, field: &str, tag: &mut Option<String>) {
        *tag = tag
            .take()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        if let Some(t) = tag
            && !crate::posts::valid_language(t)
        {
            self.fail(
                field,
                "invalid",
                "Give the language as a BCP 47 tag, such as fr, en or pt-BR.",
            );
        }
    }

    fn tags(&mut self, field: &str, tags: &mut Vec<String>, max: usize) {
        let mut seen = std::collections::HashSet::new();
        let mut kept = vec![];
        for t in tags.drain(..) {
            let t = clean_tag(&t);
            if t.is_empty() {
                continue;
            }
            if t.chars().count() > MAX_TAG {
                self.fail(
                    field,
                    "too_long",
                    format!("A skill has at most {MAX_TAG} characters: “{t}”."),
                );
                continue;
            }
            let key = tag_key(&t);
            if key.is_empty() {
                self.fail(
                    field,
                    "invalid",
                    format!("A skill needs letters or digits: “{t}”."),
                );
            } else if seen.insert(key) {
                kept.push(t);
            }
        }
        if kept.len() > max {
            self.fail(field, "too_many", format!("At most {max} skills here."));
        }
        *tags = kept;
    }

    fn date(&mut self, field: &str, d: &mut Option<String>) {
        *d = d
            .take()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if let Some(s) = d
            && !valid_date(s)
        {
            self.fail(
                field,
                "invalid",
                "Write the date as a year (2019), a month (2019-07) or a day (2019-07-14).",
            );
        }
    }
}

impl Entry {
    /// Checks and normalises an entry of the given section, reporting errors under `prefix`.
    fn check(&mut self, c: &mut Check, prefix: &str, education: bool) {
        let f = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            }
        };
        if education {
            self.kind = EDUCATION_KIND.into();
        } else {
            self.kind = self.kind.trim().to_string();
            if self.kind.is_empty() {
                self.kind = "other".into();
            }
            if !EXPERIENCE_KINDS.contains(&self.kind.as_str()) {
                c.fail(
                    &f("kind"),
                    "invalid",
                    format!(
                        "The kind of experience is one of: {}.",
                        EXPERIENCE_KINDS.join(", ")
                    ),
                );
            }
        }
        c.text(&f("title"), &mut self.title, MAX_SHORT);
        if self.title.is_empty() {
            c.fail(
                &f("title"),
                "empty",
                if education {
                    "Say what you studied or learnt."
                } else {
                    "Give this experience a title, in your own words."
                },
            );
        }
        c.text(&f("organisation"), &mut self.organisation, MAX_SHORT);
        c.text(&f("place"), &mut self.place, MAX_SHORT);
        c.text(&f("description"), &mut self.description, MAX_LONG);
        c.text(&f("motivation"), &mut self.motivation, MAX_LONG);
        c.text(&f("diploma"), &mut self.diploma, MAX_SHORT);
        if !education {
            self.diploma.clear();
        }
        for (name, u) in [
            ("url", &mut self.url),
            ("organisation_id", &mut self.organisation_id),
        ] {
            *u = u
                .take()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            if let Some(s) = u
                && !valid_http_url(s)
            {
                c.fail(&f(name), "invalid", "The address must start with https://.");
            }
        }
        c.date(&f("start_date"), &mut self.start_date);
        c.date(&f("end_date"), &mut self.end_date);
        if self.ongoing {
            self.end_date = None;
        }
        if let (Some(s), Some(e)) = (&self.start_date, &self.end_date)
            && valid_date(s)
            && valid_date(e)
            && e.as_str() < &s[..e.len().min(s.len())]
        {
            c.fail(
                &f("end_date"),
                "before_start",
                "The end comes before the start.",
            );
        }
        c.tags(&f("skills"), &mut self.skills, MAX_TAGS);
        c.language(&f("language"), &mut self.in_language);
    }

    /// Cleans an entry received from another server: plain text only, lengths capped,
    /// unknown kinds read as `other`, unusable values dropped. Never fails.
    fn clean_remote(&mut self, education: bool) {
        fn plain(s: &mut String, max: usize) {
            *s = crate::html::strip_tags(s)
                .trim()
                .chars()
                .take(max)
                .collect();
        }
        if education {
            self.kind = EDUCATION_KIND.into();
        } else if !EXPERIENCE_KINDS.contains(&self.kind.as_str()) {
            self.kind = "other".into();
        }
        plain(&mut self.id, 100);
        plain(&mut self.title, MAX_SHORT);
        plain(&mut self.organisation, MAX_SHORT);
        plain(&mut self.place, MAX_SHORT);
        plain(&mut self.description, MAX_LONG);
        plain(&mut self.motivation, MAX_LONG);
        plain(&mut self.diploma, MAX_SHORT);
        self.url = self.url.take().filter(|u| valid_http_url(u));
        self.organisation_id = self.organisation_id.take().filter(|u| valid_http_url(u));
        self.start_date = self.start_date.take().filter(|d| valid_date(d));
        self.end_date = self.end_date.take().filter(|d| valid_date(d));
        self.in_language = self
            .in_language
            .take()
            .filter(|t| crate::posts::valid_language(t));
        self.skills = clean_remote_tags(std::mem::take(&mut self.skills), MAX_TAGS);
        self.extra = None;
    }
}

fn clean_remote_tags(tags: Vec<String>, max: usize) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    tags.into_iter()
        .map(|t| clean_tag(&crate::html::strip_tags(&t)))
        .filter(|t| {
            t.chars().count() <= MAX_TAG && seen.insert(tag_key(t)) && !tag_key(t).is_empty()
        })
        .take(max)
        .collect()
}

impl ProfileDoc {
    /// Checks what a member wrote; every problem is reported with its field.
    pub fn validate(mut self) -> AppResult<ProfileDoc> {
        let mut c = Check { errors: vec![] };
        c.language("language", &mut self.in_language);
        c.text("headline", &mut self.headline, MAX_HEADLINE);
        if let Some(l) = &mut self.location {
            c.text("location", &mut l.city, MAX_SHORT);
            c.text("location", &mut l.region, MAX_SHORT);
        }
        if self.location.as_ref().is_some_and(Location::is_empty) {
            self.location = None;
        }
        self.languages.retain_mut(|l| {
            l.name = l.name.trim().to_string();
            l.proficiency = l.proficiency.trim().to_string();
            !l.name.is_empty()
        });
        for l in &mut self.languages {
            c.text("languages", &mut l.name, 60);
            c.text("languages", &mut l.proficiency, 60);
        }
        if self.languages.len() > MAX_LIST {
            c.fail(
                "languages",
                "too_many",
                format!("At most {MAX_LIST} languages."),
            );
        }
        self.seeking.dedup();
        for s in &self.seeking {
            if !SEEKING.contains(&s.as_str()) {
                c.fail(
                    "seeking",
                    "invalid",
                    format!("What you look for is one of: {}.", SEEKING.join(", ")),
                );
                break;
            }
        }
        self.links.retain(|l| !l.href.trim().is_empty());
        for l in &mut self.links {
            l.href = l.href.trim().to_string();
            c.text("links", &mut l.name, 100);
            c.text("links", &mut l.username, 100);
            if !valid_http_url(&l.href) {
                c.fail(
                    "links",
                    "invalid",
                    format!("“{}” is not a web address (https://…).", l.href),
                );
            }
        }
        if self.links.len() > MAX_LIST {
            c.fail("links", "too_many", format!("At most {MAX_LIST} links."));
        }
        let mut names: Vec<String> = self.skills.iter().map(|s| s.name.clone()).collect();
        c.tags("skills", &mut names, MAX_SKILLS);
        let mut skills = vec![];
        for name in names {
            let mut s = self
                .skills
                .iter()
                .find(|s| clean_tag(&s.name) == name)
                .cloned()
                .unwrap_or_default();
            s.name = name;
            c.text("skills", &mut s.level, 60);
            c.tags("skills", &mut s.keywords, MAX_TAGS);
            skills.push(s);
        }
        self.skills = skills;
        for (list, section, education) in [
            (&mut self.experiences, "experiences", false),
            (&mut self.education, "education", true),
        ] {
            if list.len() > MAX_ENTRIES {
                c.fail(
                    section,
                    "too_many",
                    format!("At most {MAX_ENTRIES} entries."),
                );
            }
            for (i, e) in list.iter_mut().enumerate() {
                e.check(&mut c, &format!("{section}.{i}"), education);
                if e.id.is_empty() {
                    e.id = new_entry_id();
                }
            }
        }
        if c.errors.is_empty() {
            Ok(self)
        } else {
            Err(AppError::Invalid(c.errors))
        }
    }

    /// Cleans a profile received from another server. Never fails: what cannot be used is
    /// dropped.
    pub fn clean_remote(mut self) -> ProfileDoc {
        fn plain(s: &mut String, max: usize) {
            *s = crate::html::strip_tags(s)
                .trim()
                .chars()
                .take(max)
                .collect();
        }
        self.in_language = self.in_language.filter(|t| crate::posts::valid_language(t));
        plain(&mut self.headline, MAX_HEADLINE);
        if let Some(l) = &mut self.location {
            plain(&mut l.city, MAX_SHORT);
            plain(&mut l.region, MAX_SHORT);
        }
        self.location = self.location.filter(|l| !l.is_empty());
        self.languages.truncate(MAX_LIST);
        for l in &mut self.languages {
            plain(&mut l.name, 60);
            plain(&mut l.proficiency, 60);
        }
        self.languages.retain(|l| !l.name.is_empty());
        self.seeking.retain(|s| SEEKING.contains(&s.as_str()));
        self.seeking.dedup();
        self.links.truncate(MAX_LIST);
        self.links.retain(|l| valid_http_url(&l.href));
        for l in &mut self.links {
            plain(&mut l.name, 100);
            plain(&mut l.username, 100);
        }
        let names = clean_remote_tags(
            self.skills.iter().map(|s| s.name.clone()).collect(),
            MAX_SKILLS,
        );
        self.skills = names
            .into_iter()
            .map(|name| {
                let mut s = self
                    .skills
                    .iter()
                    .find(|s| clean_tag(&crate::html::strip_tags(&s.name)) == name)
                    .cloned()
                    .unwrap_or_default();
                s.name = name;
                plain(&mut s.level, 60);
                s.keywords = clean_remote_tags(std::mem::take(&mut s.keywords), MAX_TAGS);
                s
            })
            .collect();
        for (list, education) in [(&mut self.experiences, false), (&mut self.education, true)] {
            list.truncate(MAX_ENTRIES);
            for e in list.iter_mut() {
                e.clean_remote(education);
            }
            list.retain(|e| !e.title.is_empty() && !e.id.is_empty());
        }
        self.extra = None;
        self
    }

    /// The part of the profile `audience` may read. What it may not read is absent, not
    /// marked; JSON Resume extras stay with the owner.
    pub fn for_audience(&self, audience: Audience) -> ProfileDoc {
        let v = self.visibility;
        let sees = |x: Visibility| audience.sees(x);
        let entries = |list: &[Entry]| -> Vec<Entry> {
            list.iter()
                .filter(|e| sees(e.visibility))
                .cloned()
                .map(|mut e| {
                    if !audience.owner {
                        e.extra = None;
                    }
                    e
                })
                .collect()
        };
        ProfileDoc {
            in_language: self.in_language.clone(),
            headline: if sees(v.headline) {
                self.headline.clone()
            } else {
                String::new()
            },
            location: self.location.clone().filter(|_| sees(v.location)),
            languages: if sees(v.languages) {
                self.languages.clone()
            } else {
                vec![]
            },
            seeking: if sees(v.seeking) {
                self.seeking.clone()
            } else {
                vec![]
            },
            links: if sees(v.links) {
                self.links.clone()
            } else {
                vec![]
            },
            skills: if sees(v.skills) {
                self.skills.clone()
            } else {
                vec![]
            },
            experiences: entries(&self.experiences),
            education: entries(&self.education),
            visibility: v,
            extra: if audience.owner {
                self.extra.clone()
            } else {
                None
            },
        }
    }

    /// Whether nothing at all is filled in.
    pub fn is_empty(&self) -> bool {
        self.headline.is_empty()
            && self.location.is_none()
            && self.languages.is_empty()
            && self.seeking.is_empty()
            && self.links.is_empty()
            && self.skills.is_empty()
            && self.experiences.is_empty()
            && self.education.is_empty()
    }

    /// Every skill tag with the entry it belongs to (`""` for the free list) and the
    /// visibility it inherits.
    pub fn tags(&self) -> Vec<(String, String, Visibility)> {
        let mut out = vec![];
        for s in &self.skills {
            out.push((String::new(), s.name.clone(), self.visibility.skills));
            for k in &s.keywords {
                out.push((String::new(), k.clone(), self.visibility.skills));
            }
        }
        for e in self.experiences.iter().chain(&self.education) {
            for t in &e.skills {
                out.push((e.id.clone(), t.clone(), e.visibility));
            }
        }
        out
    }

    /// The entry with this id, in either list.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.experiences
            .iter()
            .chain(&self.education)
            .find(|e| e.id == id)
    }
}

/// A short random id for a new entry.
pub fn new_entry_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, visibility: Visibility) -> Entry {
        Entry {
            kind: "volunteering".into(),
            title: title.into(),
            visibility,
            skills: vec![
                "#Soudure".into(),
                "soudure".into(),
                "Travail en équipe".into(),
            ],
            ..Entry::default()
        }
    }

    #[test]
    fn tags_meet_whatever_the_case_accents_and_spaces() {
        assert_eq!(tag_key("#Soudure"), "soudure");
        assert_eq!(tag_key("  soudure "), "soudure");
        assert_eq!(tag_key("Travail en Équipe"), "travail-en-equipe");
        assert_eq!(tag_key("travail  en équipe"), "travail-en-equipe");
        assert_eq!(tag_key("C++"), "c");
        assert_eq!(tag_key("###"), "");
    }

    #[test]
    fn dates_have_month_precision_or_less() {
        for ok in ["2019", "2019-07", "2019-07-14"] {
            assert!(valid_date(ok), "{ok}");
        }
        for bad in ["19", "2019-13", "2019-02-30", "juillet 2019", "2019/07", ""] {
            assert!(!valid_date(bad), "{bad}");
        }
    }

    #[test]
    fn validation_dedupes_tags_and_names_each_bad_field() {
        let doc = ProfileDoc {
            experiences: vec![entry("Bénévole aux Restos", Visibility::Public)],
            ..ProfileDoc::default()
        }
        .validate()
        .unwrap();
        let e = &doc.experiences[0];
        assert_eq!(e.skills, vec!["Soudure", "Travail en équipe"]);
        assert_eq!(e.id.len(), 12);

        let bad = ProfileDoc {
            in_language: Some("not a tag!".into()),
            seeking: vec!["fortune".into()],
            links: vec![ProfileLink {
                href: "javascript:alert(1)".into(),
                ..ProfileLink::default()
            }],
            experiences: vec![Entry {
                kind: "pirate".into(),
                start_date: Some("2020-05".into()),
                end_date: Some("2019".into()),
                ..Entry::default()
            }],
            ..ProfileDoc::default()
        };
        let Err(AppError::Invalid(errors)) = bad.validate() else {
            panic!("invalid profile accepted")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "language",
            "seeking",
            "links",
            "experiences.0.kind",
            "experiences.0.title",
            "experiences.0.end_date",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn each_audience_reads_only_its_cut() {
        let doc = ProfileDoc {
            headline: "Cuisinier".into(),
            location: Some(Location {
                city: "Lyon".into(),
                region: String::new(),
            }),
            visibility: SectionVisibility {
                location: Visibility::Instance,
                ..SectionVisibility::default()
            },
            experiences: vec![
                entry("public", Visibility::Public),
                entry("followers", Visibility::Followers),
                entry("instance", Visibility::Instance),
                entry("private", Visibility::Private),
            ],
            extra: Some(Map::from_iter([("email".into(), Value::from("a@b.c"))])),
            ..ProfileDoc::default()
        };
        let titles = |a: Audience| -> Vec<String> {
            doc.for_audience(a)
                .experiences
                .into_iter()
                .map(|e| e.title)
                .collect()
        };
        assert_eq!(titles(Audience::ANONYMOUS), ["public"]);
        let follower = Audience {
            follower: true,
            ..Audience::default()
        };
        assert_eq!(titles(follower), ["public", "followers"]);
        let colleague = Audience {
            same_instance: true,
            ..Audience::default()
        };
        assert_eq!(titles(colleague), ["public", "instance"]);
        assert_eq!(titles(Audience::OWNER).len(), 4);
        assert!(doc.for_audience(Audience::ANONYMOUS).location.is_none());
        assert!(doc.for_audience(colleague).location.is_some());
        assert!(doc.for_audience(follower).extra.is_none());
        assert!(doc.for_audience(Audience::OWNER).extra.is_some());
    }

    #[test]
    fn remote_profiles_are_cleaned_not_refused() {
        let doc: ProfileDoc = serde_json::from_value(serde_json::json!({
            "headline": "<script>x</script>Soudeur",
            "seeks": ["job", "world domination"],
            "links": [{"href": "javascript:alert(1)"}, {"href": "https://example.org", "name": "<b>Site</b>"}],
            "experiences": [
                {"entryId": "a", "experienceKind": "piracy", "name": "<i>Capitaine</i>", "skills": ["#Voile", "voile"],
                 "startDate": "someday", "resumeExtra": {"secret": 1}},
                {"entryId": "b", "name": ""}
            ]
        }))
        .unwrap();
        let doc = doc.clean_remote();
        assert!(!doc.headline.contains('<'));
        assert_eq!(doc.seeking, ["job"]);
        assert_eq!(doc.links.len(), 1);
        assert_eq!(doc.links[0].name, "Site");
        assert_eq!(doc.experiences.len(), 1);
        let e = &doc.experiences[0];
        assert_eq!((e.kind.as_str(), e.title.as_str()), ("other", "Capitaine"));
        assert_eq!(e.skills, ["Voile"]);
        assert!(e.start_date.is_none() && e.extra.is_none());
    }
}
