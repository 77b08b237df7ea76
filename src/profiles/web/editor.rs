//! The professional profile editor: the draft's sections, its experiences and education, the
//! previews as others will see it, publishing, and JSON Resume import and export.

use super::view::{EntryView, SectionsView, entry_view};
use crate::{
    profiles::{
        self, PreviewAs, Section,
        document::{
            EXPERIENCE_KINDS, Entry, Location, ProfileDoc, ProfileLink, SEEKING, SectionVisibility,
            Skill, SpokenLanguage, Visibility, tag_key,
        },
    },
    web::{CsrfForm, Ctx, FieldErrors, SignedIn, WebResult, html, html_status, see_other},
};
use askama::Template;
use axum::{
    Json, Router,
    extract::{Path, Query},
    http::{StatusCode, header},
    response::IntoResponse,
    routing::{get, post},
};
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/profile/edit", get(editor))
        .route("/profile/about", post(save_about))
        .route("/profile/publish", post(publish))
        .route("/profile/preview", get(preview))
        .route("/profile/resume", get(resume_page).post(resume_import))
        .route("/profile/resume.json", get(resume_download))
        .route("/profile/{section}/new", get(new_entry).post(create_entry))
        .route(
            "/profile/{section}/{id}",
            get(edit_entry).post(update_entry),
        )
        .route("/profile/{section}/{id}/delete", post(delete_entry))
}

/// A choice in a select or a group of boxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn visibility_choices(s: &SignedIn, current: Visibility) -> Vec<Choice> {
    Visibility::ALL
        .iter()
        .map(|v| Choice {
            value: v.as_str().into(),
            label: s.visitor.t(&format!("visibility-{}", v.as_str())),
            selected: *v == current,
        })
        .collect()
}

/// What the "about" form sends: every section that is not a list of entries.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AboutForm {
    headline: String,
    city: String,
    region: String,
    language: String,
    seek_job: Option<String>,
    seek_internship: Option<String>,
    seek_apprenticeship: Option<String>,
    seek_training: Option<String>,
    seek_volunteering: Option<String>,
    seek_opportunities: Option<String>,
    /// One language per line: `name: level`.
    languages: String,
    /// One link per line: `label https://…`.
    links: String,
    /// Skills separated by commas or lines.
    skills: String,
    vis_headline: String,
    vis_location: String,
    vis_languages: String,
    vis_seeking: String,
    vis_links: String,
    vis_skills: String,
}

impl AboutForm {
    fn from_doc(doc: &ProfileDoc) -> AboutForm {
        let seeks = |s: &str| doc.seeking.iter().any(|x| x == s).then(|| "on".to_string());
        let v = doc.visibility;
        AboutForm {
            headline: doc.headline.clone(),
            city: doc
                .location
                .as_ref()
                .map(|l| l.city.clone())
                .unwrap_or_default(),
            region: doc
                .location
                .as_ref()
                .map(|l| l.region.clone())
                .unwrap_or_default(),
            language: doc.in_language.clone().unwrap_or_default(),
            seek_job: seeks("job"),
            seek_internship: seeks("internship"),
            seek_apprenticeship: seeks("apprenticeship"),
            seek_training: seeks("training"),
            seek_volunteering: seeks("volunteering"),
            seek_opportunities: seeks("opportunities"),
            languages: doc
                .languages
                .iter()
                .map(|l| match l.proficiency.is_empty() {
                    true => l.name.clone(),
                    false => format!("{}: {}", l.name, l.proficiency),
                })
                .collect::<Vec<_>>()
                .join("\n"),
            links: doc
                .links
                .iter()
                .map(|l| format!("{} {}", l.name, l.href).trim().to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            skills: doc
                .skills
                .iter()
                .map(|s| s.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
            vis_headline: v.headline.as_str().into(),
            vis_location: v.location.as_str().into(),
            vis_languages: v.languages.as_str().into(),
            vis_seeking: v.seeking.as_str().into(),
            vis_links: v.links.as_str().into(),
            vis_skills: v.skills.as_str().into(),
        }
    }

    /// The draft with this form's sections in place of the old ones (entries are kept).
    fn apply(&self, mut doc: ProfileDoc) -> ProfileDoc {
        doc.headline = self.headline.clone();
        doc.location = Some(Location {
            city: self.city.clone(),
            region: self.region.clone(),
        });
        doc.in_language = Some(self.language.clone());
        let boxes = [
            ("job", &self.seek_job),
            ("internship", &self.seek_internship),
            ("apprenticeship", &self.seek_apprenticeship),
            ("training", &self.seek_training),
            ("volunteering", &self.seek_volunteering),
            ("opportunities", &self.seek_opportunities),
        ];
        doc.seeking = boxes
            .iter()
            .filter(|(_, on)| on.is_some())
            .map(|(s, _)| s.to_string())
            .collect();
        doc.languages = self
            .languages
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (name, level) = l.split_once(':').unwrap_or((l, ""));
                SpokenLanguage {
                    name: name.trim().into(),
                    proficiency: level.trim().into(),
                }
            })
            .collect();
        doc.links = self
            .links
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                let href = words
                    .iter()
                    .find(|w| w.contains("://"))
                    .or(words.last())
                    .copied()
                    .unwrap_or_default();
                let name: Vec<&str> = words.iter().filter(|w| **w != href).copied().collect();
                ProfileLink {
                    name: name.join(" "),
                    href: href.into(),
                    username: String::new(),
                }
            })
            .collect();
        let old = std::mem::take(&mut doc.skills);
        doc.skills = self
            .skills
            .split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|name| {
                // keep the level and keywords of a skill that was already there
                old.iter()
                    .find(|s| tag_key(&s.name) == tag_key(name))
                    .map(|s| Skill {
                        name: name.into(),
                        ..s.clone()
                    })
                    .unwrap_or_else(|| Skill {
                        name: name.into(),
                        ..Skill::default()
                    })
            })
            .collect();
        let vis = |s: &str| Visibility::parse(s).unwrap_or_default();
        doc.visibility = SectionVisibility {
            headline: vis(&self.vis_headline),
            location: vis(&self.vis_location),
            languages: vis(&self.vis_languages),
            seeking: vis(&self.vis_seeking),
            links: vis(&self.vis_links),
            skills: vis(&self.vis_skills),
        };
        doc
    }
}

const ABOUT_FIELDS: &[&str] = &[
    "headline",
    "location",
    "language",
    "seeking",
    "languages",
    "links",
    "skills",
];

#[derive(Template)]
#[template(path = "profiles/editor.html")]
struct EditorPage {
    ctx: Ctx,
    form: AboutForm,
    errors: FieldErrors,
    notice: Option<String>,
    /// When it was published, in words; empty if never.
    published: String,
    unpublished_changes: bool,
    seeking: Vec<Choice>,
    /// (field, label, choices)
    visibilities: Vec<(String, String, Vec<Choice>)>,
    experiences: Vec<EntryView>,
    education: Vec<EntryView>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Notice {
    saved: Option<String>,
    published: Option<String>,
    imported: Option<String>,
    deleted: Option<String>,
}

async fn editor_page(
    s: &SignedIn,
    form: Option<AboutForm>,
    errors: FieldErrors,
    notice: Option<String>,
) -> WebResult<EditorPage> {
    let draft = profiles::draft(&s.visitor.data, &s.member).await?;
    let doc = &draft.profile;
    let form = form.unwrap_or_else(|| AboutForm::from_doc(doc));
    let v = &s.visitor;
    let seeking = SEEKING
        .iter()
        .map(|x| {
            let on = match *x {
                "job" => &form.seek_job,
                "internship" => &form.seek_internship,
                "apprenticeship" => &form.seek_apprenticeship,
                "training" => &form.seek_training,
                "volunteering" => &form.seek_volunteering,
                _ => &form.seek_opportunities,
            };
            Choice {
                value: x.to_string(),
                label: v.t(&format!("seeking-{x}")),
                selected: on.is_some(),
            }
        })
        .collect();
    let vis = |name: &str, key: &str, current: &str| {
        (
            format!("vis_{name}"),
            v.t(key),
            visibility_choices(s, Visibility::parse(current).unwrap_or_default()),
        )
    };
    let visibilities = vec![
        vis("headline", "profile-field-headline", &form.vis_headline),
        vis("location", "profile-field-location", &form.vis_location),
        vis("seeking", "profile-field-seeking", &form.vis_seeking),
        vis("languages", "profile-field-languages", &form.vis_languages),
        vis("links", "profile-links", &form.vis_links),
        vis("skills", "profile-skills", &form.vis_skills),
    ];
    Ok(EditorPage {
        ctx: v.page("editor-title"),
        published: draft
            .published_at
            .map(|t| crate::web::i18n::format_datetime(&v.data.i18n, v.lang, &t.naive_utc()))
            .unwrap_or_default(),
        unpublished_changes: draft.unpublished_changes || draft.published_at.is_none(),
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
        seeking,
        visibilities,
        form,
        errors,
        notice,
    })
}

async fn editor(s: SignedIn, Query(n): Query<Notice>) -> WebResult {
    let notice = [
        (n.saved, "editor-saved"),
        (n.published, "editor-published"),
        (n.imported, "editor-imported"),
        (n.deleted, "editor-entry-deleted"),
    ]
    .into_iter()
    .find(|(on, _)| on.is_some())
    .map(|(_, key)| s.visitor.t(key));
    html(editor_page(&s, None, FieldErrors::default(), notice).await?)
}

async fn save_about(s: SignedIn, CsrfForm(form): CsrfForm<AboutForm>) -> WebResult {
    let data = &s.visitor.data;
    let draft = profiles::draft(data, &s.member).await?.profile;
    let result = profiles::save_draft(data, &s.member, form.apply(draft)).await;
    match s.visitor.form_errors(result, ABOUT_FIELDS)? {
        Ok(_) => Ok(see_other("/profile/edit?saved=1")),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            editor_page(&s, Some(form), errors, None).await?,
        ),
    }
}

async fn publish(s: SignedIn, CsrfForm(_): CsrfForm<serde::de::IgnoredAny>) -> WebResult {
    let result = profiles::publish(&s.visitor.data, &s.member).await;
    match s.visitor.form_errors(result, &[])? {
        Ok(_) => Ok(see_other("/profile/edit?published=1")),
        // an entry that does not validate any more: say so on the editor
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            editor_page(&s, None, errors, None).await?,
        ),
    }
}

#[derive(Template)]
#[template(path = "profiles/preview.html")]
struct PreviewPage {
    ctx: Ctx,
    explain: String,
    choices: Vec<Choice>,
    name: String,
    bio: String,
    sections: SectionsView,
}

#[derive(Deserialize)]
struct PreviewQuery {
    #[serde(rename = "as", default = "anonymous")]
    who: String,
}

fn anonymous() -> String {
    "anonymous".into()
}

async fn preview(s: SignedIn, Query(q): Query<PreviewQuery>) -> WebResult {
    let (who, key) = match q.who.as_str() {
        "follower" => (PreviewAs::Follower, "follower"),
        "member" => (PreviewAs::Member, "member"),
        _ => (PreviewAs::Anonymous, "anonymous"),
    };
    let doc = profiles::preview(&s.visitor.data, &s.member, who).await?;
    let v = &s.visitor;
    html(PreviewPage {
        ctx: v.page("preview-title"),
        explain: v.t(&format!("preview-explain-{key}")),
        choices: ["anonymous", "follower", "member"]
            .iter()
            .map(|c| Choice {
                value: c.to_string(),
                label: v.t(&format!("preview-as-{c}")),
                selected: *c == key,
            })
            .collect(),
        name: s.member.actor.shown_name().to_string(),
        bio: s.member.actor.summary.clone(),
        sections: SectionsView::new(v, &doc, vec![], false),
    })
}

/// What an entry form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EntryForm {
    kind: String,
    title: String,
    organisation: String,
    url: String,
    place: String,
    start_date: String,
    end_date: String,
    ongoing: Option<String>,
    approximate: Option<String>,
    description: String,
    motivation: String,
    diploma: String,
    /// Separated by commas.
    skills: String,
    visibility: String,
    language: String,
}

impl EntryForm {
    fn from_entry(e: &Entry) -> EntryForm {
        EntryForm {
            kind: e.kind.clone(),
            title: e.title.clone(),
            organisation: e.organisation.clone(),
            url: e.url.clone().unwrap_or_default(),
            place: e.place.clone(),
            start_date: e.start_date.clone().unwrap_or_default(),
            end_date: e.end_date.clone().unwrap_or_default(),
            ongoing: e.ongoing.then(|| "on".into()),
            approximate: e.approximate_dates.then(|| "on".into()),
            description: e.description.clone(),
            motivation: e.motivation.clone(),
            diploma: e.diploma.clone(),
            skills: e.skills.join(", "),
            visibility: e.visibility.as_str().into(),
            language: e.in_language.clone().unwrap_or_default(),
        }
    }

    fn to_entry(&self) -> Entry {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Entry {
            kind: self.kind.clone(),
            title: self.title.clone(),
            organisation: self.organisation.clone(),
            url: opt(&self.url),
            place: self.place.clone(),
            start_date: opt(&self.start_date),
            end_date: opt(&self.end_date),
            ongoing: self.ongoing.is_some(),
            approximate_dates: self.approximate.is_some(),
            description: self.description.clone(),
            motivation: self.motivation.clone(),
            diploma: self.diploma.clone(),
            skills: self
                .skills
                .split(',')
                .map(|s| s.trim().to_string())
                .collect(),
            visibility: Visibility::parse(&self.visibility).unwrap_or_default(),
            in_language: opt(&self.language),
            ..Entry::default()
        }
    }
}

const ENTRY_FIELDS: &[&str] = &[
    "kind",
    "title",
    "organisation",
    "url",
    "place",
    "start_date",
    "end_date",
    "description",
    "motivation",
    "diploma",
    "skills",
    "language",
];

#[derive(Template)]
#[template(path = "profiles/entry.html")]
struct EntryPage {
    ctx: Ctx,
    section: &'static str,
    /// The form's address.
    action: String,
    id: Option<String>,
    form: EntryForm,
    errors: FieldErrors,
    kinds: Vec<Choice>,
    visibilities: Vec<Choice>,
}

fn section_of(s: &str) -> WebResult<Section> {
    Section::parse(s).ok_or_else(|| crate::error::AppError::not_found("section").into())
}

fn entry_page(
    s: &SignedIn,
    section: Section,
    id: Option<String>,
    form: EntryForm,
    errors: FieldErrors,
) -> EntryPage {
    let v = &s.visitor;
    let education = section == Section::Education;
    let title = match (education, id.is_some()) {
        (false, false) => "entry-new-experience",
        (false, true) => "entry-edit-experience",
        (true, false) => "entry-new-education",
        (true, true) => "entry-edit-education",
    };
    let kinds = EXPERIENCE_KINDS
        .iter()
        .map(|k| Choice {
            value: k.to_string(),
            label: v.t(&format!("experience-kind-{}", k.replace('_', "-"))),
            selected: form.kind == *k,
        })
        .collect();
    EntryPage {
        ctx: v.page(title),
        section: section.as_str(),
        action: match &id {
            Some(id) => format!("/profile/{}/{id}", section.as_str()),
            None => format!("/profile/{}/new", section.as_str()),
        },
        visibilities: visibility_choices(
            s,
            Visibility::parse(&form.visibility).unwrap_or_default(),
        ),
        id,
        form,
        errors,
        kinds,
    }
}

async fn new_entry(s: SignedIn, Path(section): Path<String>) -> WebResult {
    let section = section_of(&section)?;
    let form = EntryForm {
        kind: "job".into(),
        visibility: "public".into(),
        ..EntryForm::default()
    };
    html(entry_page(&s, section, None, form, FieldErrors::default()))
}

async fn edit_entry(s: SignedIn, Path((section, id)): Path<(String, String)>) -> WebResult {
    let section = section_of(&section)?;
    let draft = profiles::draft(&s.visitor.data, &s.member).await?.profile;
    let entry = draft
        .entry(&id)
        .ok_or_else(|| crate::error::AppError::not_found("entry"))?;
    html(entry_page(
        &s,
        section,
        Some(id.clone()),
        EntryForm::from_entry(entry),
        FieldErrors::default(),
    ))
}

async fn save_entry_form(
    s: SignedIn,
    section: Section,
    id: Option<String>,
    form: EntryForm,
) -> WebResult {
    let result = profiles::save_entry(
        &s.visitor.data,
        &s.member,
        section,
        id.clone(),
        form.to_entry(),
    )
    .await;
    match s.visitor.form_errors(result, ENTRY_FIELDS)? {
        Ok(e) => Ok(see_other(&format!("/profile/edit?saved=1#entry-{}", e.id))),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            entry_page(&s, section, id, form, errors),
        ),
    }
}

async fn create_entry(
    s: SignedIn,
    Path(section): Path<String>,
    CsrfForm(form): CsrfForm<EntryForm>,
) -> WebResult {
    let section = section_of(&section)?;
    save_entry_form(s, section, None, form).await
}

async fn update_entry(
    s: SignedIn,
    Path((section, id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<EntryForm>,
) -> WebResult {
    let section = section_of(&section)?;
    save_entry_form(s, section, Some(id), form).await
}

async fn delete_entry(
    s: SignedIn,
    Path((section, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> WebResult {
    let section = section_of(&section)?;
    profiles::delete_entry(&s.visitor.data, &s.member, section, id).await?;
    Ok(see_other("/profile/edit?deleted=1"))
}

#[derive(Template)]
#[template(path = "profiles/resume.html")]
struct ResumePage {
    ctx: Ctx,
    resume: String,
    errors: FieldErrors,
    /// What the import would add, shown before confirming.
    preview: Option<SectionsView>,
}

async fn resume_page(s: SignedIn) -> WebResult {
    html(ResumePage {
        ctx: s.visitor.page("resume-title"),
        resume: String::new(),
        errors: FieldErrors::default(),
        preview: None,
    })
}

async fn resume_download(s: SignedIn) -> WebResult {
    let resume = profiles::export_resume(&s.visitor.data, &s.member).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}-resume.json\"",
                s.member.actor.username
            ),
        )],
        Json(resume),
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResumeForm {
    resume: String,
    /// Present on the confirmation button.
    confirm: Option<String>,
}

async fn resume_import(s: SignedIn, CsrfForm(form): CsrfForm<ResumeForm>) -> WebResult {
    let v = &s.visitor;
    let page = |errors: FieldErrors, preview: Option<SectionsView>, status| -> WebResult {
        html_status(
            status,
            ResumePage {
                ctx: v.page("resume-title"),
                resume: form.resume.clone(),
                errors,
                preview,
            },
        )
    };
    let json: serde_json::Value = match serde_json::from_str(&form.resume) {
        Ok(j) => j,
        Err(e) => {
            let text = v.t_with("resume-not-json", "error", &e.to_string());
            return page(FieldErrors::general(text), None, StatusCode::BAD_REQUEST);
        }
    };
    let dry_run = form.confirm.is_none();
    let result = profiles::import_resume(&v.data, &s.member, json, dry_run).await;
    match v.form_errors(result, &[])? {
        Ok(_) if !dry_run => Ok(see_other("/profile/edit?imported=1")),
        Ok(report) => {
            let sections = SectionsView::new(v, &report.added, vec![], true);
            page(FieldErrors::default(), Some(sections), StatusCode::OK)
        }
        Err(errors) => page(errors, None, StatusCode::UNPROCESSABLE_ENTITY),
    }
}
