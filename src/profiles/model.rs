//! Rows and queries of the profile tables: the profile documents (`profiles`) and the two
//! indexes rebuilt from each published document (`profile_entries`, `profile_tags`).

use super::document::{ProfileDoc, Visibility, tag_key};
use crate::{
    actors::model::DbActor,
    db::{
        DbConn,
        schema::{actors, follows, profile_entries, profile_tags, profiles},
    },
    error::AppResult,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A profile as stored; the documents are JSON text (see the migration for why).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = profiles)]
pub struct ProfileRow {
    pub actor_id: i64,
    pub draft: Option<String>,
    pub published: Option<String>,
    pub fields: String,
    pub published_at: Option<NaiveDateTime>,
    pub draft_updated_at: Option<NaiveDateTime>,
    pub fetched_at: Option<NaiveDateTime>,
    pub source_url: Option<String>,
}

impl ProfileRow {
    /// The working copy (the published one, or an empty profile, before the first edit).
    pub fn draft_doc(&self) -> AppResult<ProfileDoc> {
        match self.draft.as_deref().or(self.published.as_deref()) {
            Some(json) => Ok(serde_json::from_str(json)?),
            None => Ok(ProfileDoc::default()),
        }
    }

    pub fn published_doc(&self) -> AppResult<Option<ProfileDoc>> {
        Ok(self
            .published
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?)
    }

    /// Whether the draft differs from what others read.
    pub fn has_unpublished_changes(&self) -> bool {
        self.draft.is_some() && self.draft != self.published
    }
}

/// A PropertyValue of a remote actor, as shown on their page (value is sanitised HTML).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Field {
    pub name: String,
    pub value: String,
}

pub fn get(conn: &mut DbConn, actor_id: i64) -> QueryResult<Option<ProfileRow>> {
    profiles::table
        .find(actor_id)
        .select(ProfileRow::as_select())
        .get_result(conn)
        .optional()
}

/// Makes sure the actor has a profile row, so the updates below have something to change.
fn ensure(conn: &mut DbConn, actor_id: i64) -> QueryResult<()> {
    crate::native!(conn, |c| diesel::insert_into(profiles::table)
        .values(profiles::actor_id.eq(actor_id))
        .on_conflict(profiles::actor_id)
        .do_nothing()
        .execute(c))?;
    Ok(())
}

pub fn save_draft(
    conn: &mut DbConn,
    actor_id: i64,
    doc: &ProfileDoc,
    now: NaiveDateTime,
) -> AppResult<()> {
    ensure(conn, actor_id)?;
    diesel::update(profiles::table.find(actor_id))
        .set((
            profiles::draft.eq(serde_json::to_string(doc)?),
            profiles::draft_updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes `doc` what others read (the draft becomes equal to it) and rebuilds the indexes.
pub fn publish(
    conn: &mut DbConn,
    actor_id: i64,
    doc: &ProfileDoc,
    now: NaiveDateTime,
) -> AppResult<()> {
    ensure(conn, actor_id)?;
    let json = serde_json::to_string(doc)?;
    diesel::update(profiles::table.find(actor_id))
        .set((
            profiles::draft.eq(&json),
            profiles::published.eq(&json),
            profiles::published_at.eq(now),
        ))
        .execute(conn)?;
    reindex(conn, actor_id, Some(doc))
}

/// Stores what another server told us of one of its actors' profiles. `doc` is `None` when
/// the actor has no professional profile, `source_url` the id of their `Profile`; `full` when it came from a signed fetch of the
/// profile itself rather than from the actor document.
pub fn store_remote(
    conn: &mut DbConn,
    actor_id: i64,
    doc: Option<&ProfileDoc>,
    source_url: Option<&str>,
    fields: &[Field],
    full: bool,
    now: NaiveDateTime,
) -> AppResult<()> {
    ensure(conn, actor_id)?;
    let json = doc.map(serde_json::to_string).transpose()?;
    diesel::update(profiles::table.find(actor_id))
        .set((
            profiles::published.eq(json),
            profiles::source_url.eq(source_url),
            profiles::fields.eq(serde_json::to_string(fields)?),
            profiles::published_at.eq(now),
        ))
        .execute(conn)?;
    if full {
        diesel::update(profiles::table.find(actor_id))
            .set(profiles::fetched_at.eq(now))
            .execute(conn)?;
    }
    reindex(conn, actor_id, doc)
}

/// Removes an actor's profile and its index rows (account deleted, here or elsewhere).
pub fn delete_of(conn: &mut DbConn, actor_id: i64) -> QueryResult<()> {
    diesel::delete(profile_tags::table.filter(profile_tags::actor_id.eq(actor_id)))
        .execute(conn)?;
    diesel::delete(profile_entries::table.filter(profile_entries::actor_id.eq(actor_id)))
        .execute(conn)?;
    diesel::delete(profiles::table.find(actor_id)).execute(conn)?;
    Ok(())
}

#[derive(Insertable)]
#[diesel(table_name = profile_entries)]
struct NewEntry<'a> {
    actor_id: i64,
    entry_id: &'a str,
    section: &'a str,
    kind: &'a str,
    title: &'a str,
    organisation: &'a str,
    visibility: &'a str,
    start_date: Option<&'a str>,
    position: i32,
}

#[derive(Insertable)]
#[diesel(table_name = profile_tags)]
struct NewTag<'a> {
    actor_id: i64,
    entry_id: &'a str,
    tag: &'a str,
    tag_key: String,
    visibility: &'a str,
}

/// Rebuilds the browse indexes of one actor from their published document.
fn reindex(conn: &mut DbConn, actor_id: i64, doc: Option<&ProfileDoc>) -> AppResult<()> {
    diesel::delete(profile_tags::table.filter(profile_tags::actor_id.eq(actor_id)))
        .execute(conn)?;
    diesel::delete(profile_entries::table.filter(profile_entries::actor_id.eq(actor_id)))
        .execute(conn)?;
    let Some(doc) = doc else { return Ok(()) };
    let sections = [
        ("experience", &doc.experiences),
        ("education", &doc.education),
    ];
    let entries: Vec<NewEntry> = sections
        .into_iter()
        .flat_map(|(section, list)| list.iter().map(move |e| (section, e)))
        .enumerate()
        .map(|(i, (section, e))| NewEntry {
            actor_id,
            entry_id: &e.id,
            section,
            kind: &e.kind,
            title: &e.title,
            organisation: &e.organisation,
            visibility: e.visibility.as_str(),
            start_date: e.start_date.as_deref(),
            position: i as i32,
        })
        .collect();
    for chunk in entries.chunks(100) {
        crate::native!(conn, |c| diesel::insert_into(profile_entries::table)
            .values(chunk)
            .execute(c))?;
    }
    let tags = doc.tags();
    let mut seen = std::collections::HashSet::new();
    let rows: Vec<NewTag> = tags
        .iter()
        .filter_map(|(entry, tag, visibility)| {
            let key = tag_key(tag);
            seen.insert((entry.clone(), key.clone())).then_some(NewTag {
                actor_id,
                entry_id: entry,
                tag,
                tag_key: key,
                visibility: visibility.as_str(),
            })
        })
        .collect();
    for chunk in rows.chunks(100) {
        crate::native!(conn, |c| diesel::insert_into(profile_tags::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// What a browse looks for: a skill tag (normalised key) and/or a kind of experience.
#[derive(Debug, Clone, Default)]
pub struct BrowseFilter {
    pub tag_key: Option<String>,
    pub kind: Option<String>,
}

/// Who browses: used to keep only what they may see.
#[derive(Debug, Clone, Copy)]
pub struct Browser {
    /// Their actor id (a member), if signed in.
    pub actor_id: Option<i64>,
}

/// One match of a browse: an entry (`entry_id` empty for the free skills list) of a person.
#[derive(Debug, Clone)]
pub struct Match {
    pub actor: DbActor,
    pub entry_id: String,
    pub kind: String,
    pub title: String,
    pub organisation: String,
}

/// People and entries matching `filter` that `browser` may see, newest profiles first.
/// Visibility is decided in SQL: public, or followers-only of someone the browser follows,
/// or instance-only of a local person when the browser is a local member, or their own.
pub fn browse(
    conn: &mut DbConn,
    filter: &BrowseFilter,
    browser: Browser,
    limit: i64,
) -> AppResult<Vec<Match>> {
    let followed = follows::table
        .filter(follows::follower_id.eq(browser.actor_id.unwrap_or(-1)))
        .filter(follows::state.eq("accepted"))
        .select(follows::followed_id);
    // entries (experiences and education) matching the kind and, if given, carrying the tag
    let mut q = profile_entries::table
        .inner_join(actors::table)
        .filter(actors::deleted_at.is_null())
        .into_boxed();
    // limited people and people on silenced servers: only for those who follow them
    let hidden = crate::moderation::restrictions::kept_out_of_public_lists(conn, "person")?;
    if !hidden.is_empty() {
        let followed_hidden = match browser.actor_id {
            Some(me) => crate::follows::model::followed_among(conn, me, &hidden)?,
            None => vec![],
        };
        let out: Vec<i64> = hidden
            .into_iter()
            .filter(|id| !followed_hidden.contains(id) && Some(*id) != browser.actor_id)
            .collect();
        if !out.is_empty() {
            q = q.filter(profile_entries::actor_id.ne_all(out));
        }
    }
    if let Some(kind) = &filter.kind {
        q = q.filter(profile_entries::kind.eq(kind.clone()));
    }
    if let Some(key) = &filter.tag_key {
        let tagged = profile_tags::table
            .filter(profile_tags::tag_key.eq(key.clone()))
            .select(profile_tags::actor_id);
        q = q.filter(profile_entries::actor_id.eq_any(tagged));
    }
    let public = Visibility::Public.as_str();
    let me = browser.actor_id.unwrap_or(-1);
    let visible = profile_entries::visibility
        .eq(public)
        .or(profile_entries::visibility
            .eq(Visibility::Followers.as_str())
            .and(profile_entries::actor_id.eq_any(followed)))
        .or(profile_entries::visibility
            .eq(Visibility::Instance.as_str())
            .and(actors::local.eq(true))
            .and(
                browser
                    .actor_id
                    .is_some()
                    .into_sql::<diesel::sql_types::Bool>(),
            ))
        .or(profile_entries::actor_id.eq(me));
    let rows: Vec<(String, String, String, String, DbActor)> = q
        .filter(visible)
        .order((actors::updated_at.desc(), profile_entries::position.asc()))
        .limit(limit * 4)
        .select((
            profile_entries::entry_id,
            profile_entries::kind,
            profile_entries::title,
            profile_entries::organisation,
            DbActor::as_select(),
        ))
        .load(conn)?;
    // with a tag, keep the entries carrying it and those of people listing it as a skill
    let keep: Option<std::collections::HashSet<(i64, String)>> = match &filter.tag_key {
        None => None,
        Some(key) => {
            let ids: Vec<i64> = rows.iter().map(|r| r.4.id).collect();
            let tagged: Vec<(i64, String)> = profile_tags::table
                .filter(profile_tags::tag_key.eq(key))
                .filter(profile_tags::actor_id.eq_any(ids))
                .select((profile_tags::actor_id, profile_tags::entry_id))
                .load(conn)?;
            Some(tagged.into_iter().collect())
        }
    };
    let mut out: Vec<Match> = rows
        .into_iter()
        .filter(|(entry, _, _, _, actor)| {
            keep.as_ref()
                .is_none_or(|k| k.contains(&(actor.id, entry.clone())))
        })
        .map(|(entry_id, kind, title, organisation, actor)| Match {
            actor,
            entry_id,
            kind,
            title,
            organisation,
        })
        .take(limit as usize)
        .collect();
    // people who list the tag among their skills without an entry carrying it
    if let (Some(key), None) = (&filter.tag_key, &filter.kind) {
        let skill_rows: Vec<(String, DbActor)> = profile_tags::table
            .inner_join(actors::table)
            .filter(actors::deleted_at.is_null())
            .filter(profile_tags::tag_key.eq(key))
            .filter(profile_tags::entry_id.eq(""))
            .filter(
                profile_tags::visibility
                    .eq(public)
                    .or(profile_tags::visibility
                        .eq(Visibility::Followers.as_str())
                        .and(
                            profile_tags::actor_id.eq_any(
                                follows::table
                                    .filter(follows::follower_id.eq(me))
                                    .filter(follows::state.eq("accepted"))
                                    .select(follows::followed_id),
                            ),
                        ))
                    .or(profile_tags::visibility
                        .eq(Visibility::Instance.as_str())
                        .and(actors::local.eq(true))
                        .and(
                            browser
                                .actor_id
                                .is_some()
                                .into_sql::<diesel::sql_types::Bool>(),
                        ))
                    .or(profile_tags::actor_id.eq(me)),
            )
            .order(actors::updated_at.desc())
            .limit(limit)
            .select((profile_tags::tag, DbActor::as_select()))
            .load(conn)?;
        for (tag, actor) in skill_rows {
            if out.len() as i64 >= limit {
                break;
            }
            if !out.iter().any(|m| m.actor.id == actor.id) {
                out.push(Match {
                    actor,
                    entry_id: String::new(),
                    kind: "skill".into(),
                    title: tag,
                    organisation: String::new(),
                });
            }
        }
    }
    Ok(out)
}

/// The tags most used in public parts of profiles, with how many people carry them.
pub fn popular_tags(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(String, i64)>> {
    use diesel::dsl::{min, sql};
    let people = || sql::<diesel::sql_types::BigInt>("COUNT(DISTINCT profile_tags.actor_id)");
    let rows: Vec<(String, Option<String>, i64)> = profile_tags::table
        .filter(profile_tags::visibility.eq(Visibility::Public.as_str()))
        .group_by(profile_tags::tag_key)
        .select((profile_tags::tag_key, min(profile_tags::tag), people()))
        .order((people().desc(), profile_tags::tag_key.asc()))
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(key, tag, n)| (tag.unwrap_or(key), n))
        .collect())
}
