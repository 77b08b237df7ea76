//! JSON Resume (<https://jsonresume.org/schema>): export of a profile and import of a résumé.
//!
//! The mapping keeps every property of the schema. What Passerelle shows is mapped to its
//! fields; what it does not show (e-mail, phone, awards, a course list…) is kept in the
//! owner-only `resumeExtra` of the profile or of the entry and written back on export, so an
//! import followed by an export gives the same résumé. What JSON Resume has no property for
//! (the kind of an experience, what motivated me, visibility) travels in a `passerelle` object
//! that importers of other tools ignore.

use super::document::{
    Entry, Location, ProfileDoc, ProfileLink, Skill, SpokenLanguage, Visibility,
};
use crate::error::{AppError, AppResult, FieldError};
use serde_json::{Map, Value, json};

/// The card part of a profile (saved on the actor itself).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Card {
    pub name: String,
    pub summary: String,
    pub image: Option<String>,
}

/// Experience kinds exported as `work`, as `volunteer`; the others become `projects`.
const WORK_KINDS: &[&str] = &["job", "internship", "apprenticeship", "small_job", "family"];
const VOLUNTEER_KINDS: &[&str] = &["volunteering", "associative"];

/// Writes the member's card and profile (all of it: the export is for its owner) as JSON
/// Resume.
pub fn export(card: &Card, doc: &ProfileDoc) -> Value {
    let mut extra = doc.extra.clone().unwrap_or_default();
    let mut basics = take_obj(&mut extra, "basics");
    put_str(&mut basics, "name", &card.name);
    put_str(&mut basics, "label", &doc.headline);
    if let Some(image) = &card.image {
        put_str(&mut basics, "image", image);
    }
    put_str(&mut basics, "summary", &card.summary);
    let mut location = take_obj(&mut basics, "location");
    if let Some(l) = &doc.location {
        put_str(&mut location, "city", &l.city);
        put_str(&mut location, "region", &l.region);
    }
    if !location.is_empty() {
        basics.insert("location".into(), Value::Object(location));
    }
    if !doc.links.is_empty() {
        let profiles: Vec<Value> = doc
            .links
            .iter()
            .map(|l| {
                let mut p = Map::new();
                put_str(&mut p, "network", &l.name);
                put_str(&mut p, "username", &l.username);
                put_str(&mut p, "url", &l.href);
                Value::Object(p)
            })
            .collect();
        basics.insert("profiles".into(), Value::Array(profiles));
    }
    let mut out = Map::new();
    if let Some(schema) = extra.remove("$schema") {
        out.insert("$schema".into(), schema);
    }
    out.insert("basics".into(), Value::Object(basics));
    let (mut work, mut volunteer, mut projects) = (vec![], vec![], vec![]);
    for e in &doc.experiences {
        let kind = e.kind.as_str();
        if WORK_KINDS.contains(&kind) {
            work.push(export_entry(e, "name", "position", "summary", None));
        } else if VOLUNTEER_KINDS.contains(&kind) {
            volunteer.push(export_entry(e, "organization", "position", "summary", None));
        } else {
            projects.push(export_entry(
                e,
                "entity",
                "name",
                "description",
                Some("keywords"),
            ));
        }
    }
    let education: Vec<Value> = doc
        .education
        .iter()
        .map(|e| {
            let mut v = export_entry(e, "institution", "area", "", None);
            if !e.diploma.is_empty() {
                v["studyType"] = json!(e.diploma);
            }
            if !e.description.is_empty() {
                v["passerelle"]["description"] = json!(e.description);
            }
            v
        })
        .collect();
    for (key, list) in [
        ("work", work),
        ("volunteer", volunteer),
        ("education", education),
    ] {
        if !list.is_empty() {
            out.insert(key.into(), Value::Array(list));
        }
    }
    if !doc.skills.is_empty() {
        let skills: Vec<Value> = doc
            .skills
            .iter()
            .map(|s| {
                let mut v = Map::new();
                put_str(&mut v, "name", &s.name);
                put_str(&mut v, "level", &s.level);
                if !s.keywords.is_empty() {
                    v.insert("keywords".into(), json!(s.keywords));
                }
                Value::Object(v)
            })
            .collect();
        out.insert("skills".into(), Value::Array(skills));
    }
    if !doc.languages.is_empty() {
        let langs: Vec<Value> = doc
            .languages
            .iter()
            .map(|l| {
                let mut v = Map::new();
                put_str(&mut v, "language", &l.name);
                put_str(&mut v, "fluency", &l.proficiency);
                Value::Object(v)
            })
            .collect();
        out.insert("languages".into(), Value::Array(langs));
    }
    if !projects.is_empty() {
        out.insert("projects".into(), Value::Array(projects));
    }
    // awards, certificates, publications, interests, references, meta…: as imported
    out.extend(extra);
    let mut ours = Map::new();
    if let Some(l) = &doc.in_language {
        ours.insert("inLanguage".into(), json!(l));
    }
    if !doc.seeking.is_empty() {
        ours.insert("seeks".into(), json!(doc.seeking));
    }
    ours.insert(
        "sectionVisibility".into(),
        serde_json::to_value(doc.visibility).unwrap_or(Value::Null),
    );
    out.insert("passerelle".into(), Value::Object(ours));
    Value::Object(out)
}

/// One entry in JSON Resume form: `org`/`title`/`text` name the properties of its section.
fn export_entry(e: &Entry, org: &str, title: &str, text: &str, tags: Option<&str>) -> Value {
    let mut v = e.extra.clone().unwrap_or_default();
    // a résumé entry without a title got one on import; give it back without
    if v.remove("passerelleUntitled").is_none() {
        put_str(&mut v, title, &e.title);
    }
    put_str(&mut v, org, &e.organisation);
    if let Some(u) = &e.url {
        put_str(&mut v, "url", u);
    }
    if !e.place.is_empty() {
        put_str(&mut v, "location", &e.place);
    }
    if let Some(d) = &e.start_date {
        put_str(&mut v, "startDate", d);
    }
    if let Some(d) = &e.end_date {
        put_str(&mut v, "endDate", d);
    }
    if !text.is_empty() {
        put_str(&mut v, text, &e.description);
    }
    if let Some(tags) = tags
        && !e.skills.is_empty()
    {
        v.insert(tags.into(), json!(e.skills));
    }
    let mut ours = Map::new();
    ours.insert("kind".into(), json!(e.kind));
    ours.insert("visibility".into(), json!(e.visibility.as_str()));
    if tags.is_none() && !e.skills.is_empty() {
        ours.insert("skills".into(), json!(e.skills));
    }
    for (k, val) in [("motivation", &e.motivation)] {
        if !val.is_empty() {
            ours.insert(k.into(), json!(val));
        }
    }
    if e.ongoing {
        ours.insert("ongoing".into(), json!(true));
    }
    if e.approximate_dates {
        ours.insert("approximateDates".into(), json!(true));
    }
    if let Some(l) = &e.in_language {
        ours.insert("inLanguage".into(), json!(l));
    }
    if let Some(o) = &e.organisation_id {
        ours.insert("organization".into(), json!(o));
    }
    v.insert("passerelle".into(), Value::Object(ours));
    Value::Object(v)
}

fn put_str(map: &mut Map<String, Value>, key: &str, value: &str) {
    if !value.is_empty() {
        map.insert(key.into(), json!(value));
    }
}

fn take_obj(map: &mut Map<String, Value>, key: &str) -> Map<String, Value> {
    match map.remove(key) {
        Some(Value::Object(o)) => o,
        _ => Map::new(),
    }
}

/// Reads a résumé, reporting each property of the wrong type with its path.
struct Reader {
    errors: Vec<FieldError>,
}

impl Reader {
    fn fail(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, "invalid", message));
    }

    fn string(&mut self, map: &mut Map<String, Value>, key: &str, path: &str) -> String {
        match map.remove(key) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s,
            Some(_) => {
                self.fail(&format!("{path}.{key}"), "This should be text.");
                String::new()
            }
        }
    }

    fn strings(&mut self, map: &mut Map<String, Value>, key: &str, path: &str) -> Vec<String> {
        match map.remove(key) {
            None | Some(Value::Null) => vec![],
            Some(Value::Array(a)) => a
                .into_iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::String(s) => Some(s),
                    _ => {
                        self.fail(&format!("{path}.{key}[{i}]"), "This should be text.");
                        None
                    }
                })
                .collect(),
            Some(_) => {
                self.fail(&format!("{path}.{key}"), "This should be a list of texts.");
                vec![]
            }
        }
    }

    fn objects(
        &mut self,
        map: &mut Map<String, Value>,
        key: &str,
    ) -> Vec<(String, Map<String, Value>)> {
        match map.remove(key) {
            None | Some(Value::Null) => vec![],
            Some(Value::Array(a)) => a
                .into_iter()
                .enumerate()
                .filter_map(|(i, v)| match v {
                    Value::Object(o) => Some((format!("{key}[{i}]"), o)),
                    _ => {
                        self.fail(&format!("{key}[{i}]"), "This should be an object { … }.");
                        None
                    }
                })
                .collect(),
            Some(_) => {
                self.fail(key, "This should be a list [ … ].");
                vec![]
            }
        }
    }

    fn object(
        &mut self,
        map: &mut Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Map<String, Value> {
        match map.remove(key) {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(o)) => o,
            Some(_) => {
                self.fail(&format!("{path}.{key}"), "This should be an object { … }.");
                Map::new()
            }
        }
    }

    /// Reads a work, volunteer, project or education entry.
    #[allow(clippy::too_many_arguments)]
    fn entry(
        &mut self,
        path: &str,
        mut o: Map<String, Value>,
        default_kind: &str,
        org: &str,
        title: &str,
        text: &str,
        tags: Option<&str>,
    ) -> Entry {
        let mut ours = self.object(&mut o, "passerelle", path);
        let mut e = Entry {
            organisation: self.string(&mut o, org, path),
            title: self.string(&mut o, title, path),
            url: Some(self.string(&mut o, "url", path)).filter(|s| !s.is_empty()),
            place: self.string(&mut o, "location", path),
            start_date: Some(self.string(&mut o, "startDate", path)).filter(|s| !s.is_empty()),
            end_date: Some(self.string(&mut o, "endDate", path)).filter(|s| !s.is_empty()),
            ..Entry::default()
        };
        if !text.is_empty() {
            e.description = self.string(&mut o, text, path);
        }
        if let Some(tags) = tags {
            e.skills = self.strings(&mut o, tags, path);
        }
        let p = format!("{path}.passerelle");
        let kind = self.string(&mut ours, "kind", &p);
        e.kind = if kind.is_empty() {
            default_kind.into()
        } else {
            kind
        };
        if tags.is_none() {
            e.skills = self.strings(&mut ours, "skills", &p);
        }
        e.motivation = self.string(&mut ours, "motivation", &p);
        if e.description.is_empty() {
            e.description = self.string(&mut ours, "description", &p);
        }
        let visibility = self.string(&mut ours, "visibility", &p);
        e.visibility = Visibility::parse(&visibility).unwrap_or_default();
        e.ongoing = ours
            .remove("ongoing")
            .and_then(|v| v.as_bool())
            .unwrap_or(e.end_date.is_none() && e.start_date.is_some());
        e.approximate_dates = ours
            .remove("approximateDates")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        e.in_language = Some(self.string(&mut ours, "inLanguage", &p)).filter(|s| !s.is_empty());
        e.organisation_id =
            Some(self.string(&mut ours, "organization", &p)).filter(|s| !s.is_empty());
        if e.title.is_empty() {
            // JSON Resume makes every property optional; our entries need a title
            e.title = if e.organisation.is_empty() {
                default_title(default_kind).into()
            } else {
                e.organisation.clone()
            };
            o.insert("passerelleUntitled".into(), json!(true));
        }
        e.extra = (!o.is_empty()).then_some(o);
        e
    }
}

fn default_title(kind: &str) -> &'static str {
    match kind {
        "volunteering" => "Bénévolat",
        "project" => "Projet",
        "education" => "Formation",
        _ => "Expérience",
    }
}

/// What an import would create, read from a résumé; nothing is stored.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub card: Card,
    /// The profile parts read from the résumé (entries get ids when merged).
    pub profile: ProfileDoc,
    /// Where each experience and education entry came from (`work[0]`, `projects[1]`), to
    /// name them in errors.
    pub experience_paths: Vec<String>,
    pub education_paths: Vec<String>,
}

/// Reads a JSON Resume document. Properties of the wrong type are reported with their path
/// (`work[2].startDate`); unknown properties are kept for export.
pub fn import(resume: Value) -> AppResult<Imported> {
    let Value::Object(mut root) = resume else {
        return Err(AppError::Invalid(vec![FieldError::new(
            "file",
            "invalid",
            "A JSON Resume file is an object { … } with basics, work, education…",
        )]));
    };
    let mut r = Reader { errors: vec![] };
    let mut ours = r.object(&mut root, "passerelle", "");
    let mut basics = r.object(&mut root, "basics", "");
    let card = Card {
        name: r.string(&mut basics, "name", "basics"),
        summary: r.string(&mut basics, "summary", "basics"),
        image: Some(r.string(&mut basics, "image", "basics")).filter(|s| !s.is_empty()),
    };
    let mut doc = ProfileDoc {
        headline: r.string(&mut basics, "label", "basics"),
        ..ProfileDoc::default()
    };
    let mut location = r.object(&mut basics, "location", "basics");
    let l = Location {
        city: r.string(&mut location, "city", "basics.location"),
        region: r.string(&mut location, "region", "basics.location"),
    };
    doc.location = (!l.is_empty()).then_some(l);
    if !location.is_empty() {
        basics.insert("location".into(), Value::Object(location));
    }
    for (path, mut p) in r.objects(&mut basics, "profiles") {
        let path = format!("basics.{path}");
        doc.links.push(ProfileLink {
            name: r.string(&mut p, "network", &path),
            username: r.string(&mut p, "username", &path),
            href: r.string(&mut p, "url", &path),
        });
    }
    let (mut experience_paths, mut education_paths) = (vec![], vec![]);
    for (path, o) in r.objects(&mut root, "work") {
        let e = r.entry(&path, o, "job", "name", "position", "summary", None);
        doc.experiences.push(e);
        experience_paths.push(path);
    }
    for (path, o) in r.objects(&mut root, "volunteer") {
        let e = r.entry(
            &path,
            o,
            "volunteering",
            "organization",
            "position",
            "summary",
            None,
        );
        doc.experiences.push(e);
        experience_paths.push(path);
    }
    for (path, o) in r.objects(&mut root, "projects") {
        let e = r.entry(
            &path,
            o,
            "project",
            "entity",
            "name",
            "description",
            Some("keywords"),
        );
        doc.experiences.push(e);
        experience_paths.push(path);
    }
    for (path, mut o) in r.objects(&mut root, "education") {
        let diploma = r.string(&mut o, "studyType", &path);
        let mut e = r.entry(&path, o, "education", "institution", "area", "", None);
        e.diploma = diploma;
        doc.education.push(e);
        education_paths.push(path);
    }
    for (path, mut o) in r.objects(&mut root, "skills") {
        doc.skills.push(Skill {
            name: r.string(&mut o, "name", &path),
            level: r.string(&mut o, "level", &path),
            keywords: r.strings(&mut o, "keywords", &path),
        });
    }
    for (path, mut o) in r.objects(&mut root, "languages") {
        doc.languages.push(SpokenLanguage {
            name: r.string(&mut o, "language", &path),
            proficiency: r.string(&mut o, "fluency", &path),
        });
    }
    doc.in_language =
        Some(r.string(&mut ours, "inLanguage", "passerelle")).filter(|s| !s.is_empty());
    doc.seeking = r.strings(&mut ours, "seeks", "passerelle");
    if let Some(v) = ours.remove("sectionVisibility") {
        doc.visibility = serde_json::from_value(v).unwrap_or_default();
    }
    if !basics.is_empty() {
        root.insert("basics".into(), Value::Object(basics));
    }
    doc.extra = (!root.is_empty()).then_some(root);
    if !r.errors.is_empty() {
        return Err(AppError::Invalid(r.errors));
    }
    Ok(Imported {
        card,
        profile: doc,
        experience_paths,
        education_paths,
    })
}

/// Adds what was imported to an existing draft: entries, skills, languages and links are
/// appended (skills already there are kept once), single values fill only what is empty.
pub fn merge(mut draft: ProfileDoc, imported: ProfileDoc) -> ProfileDoc {
    if draft.headline.is_empty() {
        draft.headline = imported.headline;
    }
    if draft.location.is_none() {
        draft.location = imported.location;
    }
    if draft.in_language.is_none() {
        draft.in_language = imported.in_language;
    }
    if draft.is_empty() {
        draft.visibility = imported.visibility;
    }
    for s in imported.seeking {
        if !draft.seeking.contains(&s) {
            draft.seeking.push(s);
        }
    }
    draft.links.extend(imported.links);
    draft.languages.extend(imported.languages);
    for s in imported.skills {
        let key = super::document::tag_key(&s.name);
        if !draft
            .skills
            .iter()
            .any(|d| super::document::tag_key(&d.name) == key)
        {
            draft.skills.push(s);
        }
    }
    draft.experiences.extend(imported.experiences);
    draft.education.extend(imported.education);
    if let Some(extra) = imported.extra {
        draft.extra.get_or_insert_with(Map::new).extend(extra);
    }
    draft
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A résumé using every property of the JSON Resume schema (v1.0.0).
    pub fn full_resume() -> Value {
        serde_json::from_str(include_str!("../../tests/fixtures/jsonresume-full.json")).unwrap()
    }

    /// Removes what the export adds for Passerelle, to compare with the original.
    pub fn without_ours(mut v: Value) -> Value {
        if let Value::Object(m) = &mut v {
            m.remove("passerelle");
            for key in ["work", "volunteer", "projects", "education"] {
                if let Some(Value::Array(a)) = m.get_mut(key) {
                    for e in a {
                        e.as_object_mut().unwrap().remove("passerelle");
                    }
                }
            }
        }
        v
    }

    #[test]
    fn import_then_export_keeps_every_property() {
        let original = full_resume();
        let imported = import(original.clone()).unwrap();
        let doc = imported.profile.clone().validate().unwrap();
        let exported = export(&imported.card, &doc);
        assert_eq!(without_ours(exported), original);
    }

    #[test]
    fn passerelle_fields_survive_an_export_and_import() {
        let imported = import(full_resume()).unwrap();
        let mut doc = imported.profile.validate().unwrap();
        doc.experiences[0].motivation = "Le contact avec les gens".into();
        doc.experiences[0].visibility = Visibility::Followers;
        doc.experiences[0].kind = "small_job".into();
        doc.seeking = vec!["apprenticeship".into()];
        let again = import(export(&imported.card, &doc)).unwrap().profile;
        let again = again.validate().unwrap();
        let e = &again.experiences[0];
        assert_eq!(e.motivation, "Le contact avec les gens");
        assert_eq!(e.visibility, Visibility::Followers);
        assert_eq!(e.kind, "small_job");
        assert_eq!(again.seeking, ["apprenticeship"]);
    }

    #[test]
    fn wrong_types_are_reported_with_their_path() {
        let Err(AppError::Invalid(errors)) = import(json!({
            "basics": {"name": 3},
            "work": [{"position": "Serveur", "startDate": 2019}, "oops"],
            "skills": {"name": "x"}
        })) else {
            panic!("accepted")
        };
        let mut paths: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        paths.sort();
        assert_eq!(
            paths,
            ["basics.name", "skills", "work[0].startDate", "work[1]"]
        );
        assert!(import(json!([1, 2])).is_err());
    }
}
