//! The job board's query: full-text search (SQLite FTS5, PostgreSQL `tsvector`) with filters,
//! sorted by relevance or date, a page at a time. Both backends index the same folded words
//! ([`super::search_words`]), so a search finds the same offers on both.
//!
//! On PostgreSQL the filters run inside the full-text index too: an offer's filterable values
//! are also indexed as words ([`facets`]: `zzcpermanent`, `zzslogistique`, `zzplyon`…), so the
//! index yields only the offers that match both the words and the filters, and only those rows
//! are read and ranked (reading every offer that has a common word, to filter it afterwards,
//! is what made searches slow on 100,000 offers). SQLite filters on the columns.

use super::{PUBLISHED, model, today};
use crate::{
    actors::model::DbActor,
    db::DbConn,
    error::{AppError, AppResult},
    profiles::document::tag_key,
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::{
    RunQueryDsl,
    sql_types::{BigInt, Bool, Date, Text, Timestamp},
};
use serde::{Deserialize, Serialize};

pub const PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 50;
const MAX_PAGE: i64 = 500;

/// What a job seeker asks the board. Lists are comma-separated; every filter is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct BoardQuery {
    /// Words to find in the title, description, skills, place and organisation.
    pub q: Option<String>,
    /// Skills, comma-separated: offers asking for at least one of them.
    pub skills: Option<String>,
    /// Contract types, comma-separated (`permanent,internship`).
    pub contract: Option<String>,
    /// A city or region.
    pub place: Option<String>,
    /// `partial` (some or full remote work) or `full`; with `place`, offers in that place
    /// **or** with that remote option.
    pub remote: Option<String>,
    /// `true`: only offers open to people without a diploma.
    pub without_diploma: Option<String>,
    /// `true`: only offers open to people without experience.
    pub without_experience: Option<String>,
    /// A language tag (`fr`, `en`): offers whose work is done in it.
    pub language: Option<String>,
    /// `YYYY-MM-DD`: offers published on or after that day.
    pub since: Option<String>,
    /// `relevance` (default when searching words) or `date` (newest first).
    pub sort: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Offers per page (at most 50; 20 by default).
    pub per_page: Option<i64>,
    /// Only this organisation's offers (its account id).
    pub organisation: Option<i64>,
}

fn flag(v: &Option<String>) -> bool {
    matches!(
        v.as_deref().map(str::trim),
        Some("true" | "on" | "1" | "yes")
    )
}

fn list(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl BoardQuery {
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, MAX_PAGE)
    }

    pub fn per_page(&self) -> i64 {
        self.per_page.unwrap_or(PER_PAGE).clamp(1, MAX_PER_PAGE)
    }

    pub fn without_diploma(&self) -> bool {
        flag(&self.without_diploma)
    }

    pub fn without_experience(&self) -> bool {
        flag(&self.without_experience)
    }

    /// Whether any filter or word is set (for the "nothing matches" message).
    pub fn is_filtered(&self) -> bool {
        text(&self.q).is_some()
            || text(&self.skills).is_some()
            || text(&self.contract).is_some()
            || text(&self.place).is_some()
            || text(&self.remote).is_some()
            || self.without_diploma()
            || self.without_experience()
            || text(&self.language).is_some()
            || text(&self.since).is_some()
    }

    /// The query string of this search at another page (for links and feeds).
    pub fn query_string(&self, page: Option<i64>) -> String {
        let mut q = self.clone();
        q.page = page;
        q.per_page = None;
        let pairs: Vec<(&str, String)> = [
            ("q", q.q),
            ("skills", q.skills),
            ("contract", q.contract),
            ("place", q.place),
            ("remote", q.remote),
            ("without_diploma", q.without_diploma),
            ("without_experience", q.without_experience),
            ("language", q.language),
            ("since", q.since),
            ("sort", q.sort),
            ("page", q.page.map(|p| p.to_string())),
            ("organisation", q.organisation.map(|p| p.to_string())),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.filter(|v| !v.trim().is_empty())?)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// One value bound to a placeholder.
enum Bind {
    Text(String),
    Int(i64),
    Bool(bool),
    Date(NaiveDate),
    Time(NaiveDateTime),
}

/// SQL text with numbered (`$1`, PostgreSQL) or anonymous (`?`, SQLite) placeholders.
struct Sql {
    pg: bool,
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    fn bind(&mut self, b: Bind) -> &mut Self {
        self.binds.push(b);
        if self.pg {
            let n = self.binds.len();
            self.text.push_str(&format!("${n}"));
        } else {
            self.text.push('?');
        }
        self
    }

    fn bind_ints(&mut self, values: &[i64]) -> &mut Self {
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(Bind::Int(*v));
        }
        self.push(")")
    }

    fn bind_list(&mut self, values: Vec<String>) -> &mut Self {
        self.push("(");
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(Bind::Text(v));
        }
        self.push(")")
    }
}

#[derive(diesel::QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// An offer's filterable values, for [`facets`].
pub struct Facets<'a> {
    pub contract_type: &'a str,
    pub remote: &'a str,
    pub open_without_diploma: bool,
    pub open_without_experience: bool,
    /// Tag keys ([`tag_key`]).
    pub skills: Vec<&'a str>,
    /// The place's folded words ([`super::search_words`]).
    pub location_key: &'a str,
    /// `,fr,en-gb,`
    pub languages: &'a str,
}

/// A facet word: `zz`, a letter naming the filter, the value's letters and digits. No word of
/// a text starts with `zz` and a filter letter, so a facet never matches a searched word by
/// chance (the migration that filled `search_facets` built the same words in SQL).
fn facet(kind: char, value: &str) -> String {
    let mut w = format!("zz{kind}");
    w.extend(value.chars().filter(|c| c.is_alphanumeric()));
    w
}

/// The facet words of an offer, space-separated (stored in `search_facets`, indexed by
/// PostgreSQL with the offer's words).
pub fn facets(f: &Facets) -> String {
    let mut words = vec![facet('c', f.contract_type), facet('r', f.remote)];
    if f.open_without_diploma {
        words.push("zznodiploma".into());
    }
    if f.open_without_experience {
        words.push("zznoexperience".into());
    }
    words.extend(f.skills.iter().map(|k| facet('s', k)));
    words.extend(
        f.location_key
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| facet('p', w)),
    );
    words.extend(
        f.languages
            .split(',')
            .filter(|l| !l.is_empty())
            .map(|l| facet('l', l)),
    );
    words.join(" ")
}

/// The board's filters, read once from a query, for either backend.
struct Filters {
    /// Tag keys.
    skills: Vec<String>,
    contracts: Vec<String>,
    /// The place's folded words.
    place: Option<String>,
    /// The remote options accepted.
    remote: Option<Vec<String>>,
    without_diploma: bool,
    without_experience: bool,
    language: Option<String>,
}

impl Filters {
    fn of(query: &BoardQuery) -> Filters {
        Filters {
            skills: list(&query.skills)
                .iter()
                .map(|s| tag_key(s))
                .filter(|k| !k.is_empty())
                .collect(),
            contracts: list(&query.contract),
            place: text(&query.place)
                .map(super::search_words)
                .filter(|p| !p.is_empty()),
            remote: text(&query.remote).map(|r| match r {
                "full" => vec!["full".to_string()],
                _ => vec!["partial".to_string(), "full".to_string()],
            }),
            without_diploma: query.without_diploma(),
            without_experience: query.without_experience(),
            language: text(&query.language).and_then(super::language_tag),
        }
    }

    /// PostgreSQL: the filters as a `tsquery` over the facet words (`None` without filters):
    /// each list is an `|` of its values, filters are joined by `&`.
    fn facet_query(&self) -> Option<String> {
        let any = |kind: char, values: &[String]| {
            let v: Vec<String> = values.iter().map(|v| facet(kind, v)).collect();
            format!("({})", v.join(" | "))
        };
        let mut parts = vec![];
        if !self.skills.is_empty() {
            parts.push(any('s', &self.skills));
        }
        if !self.contracts.is_empty() {
            parts.push(any('c', &self.contracts));
        }
        // each word of the place, as the start of a word of the offer's place
        let place = self.place.as_ref().map(|p| {
            let words: Vec<String> = p
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| format!("{}:*", facet('p', w)))
                .collect();
            format!("({})", words.join(" & "))
        });
        match (place, &self.remote) {
            (Some(p), Some(r)) => parts.push(format!("({p} | {})", any('r', r))),
            (Some(p), None) => parts.push(p),
            (None, Some(r)) => parts.push(any('r', r)),
            (None, None) => {}
        }
        if self.without_diploma {
            parts.push("zznodiploma".into());
        }
        if self.without_experience {
            parts.push("zznoexperience".into());
        }
        if let Some(l) = &self.language {
            parts.push(format!("{}:*", facet('l', l)));
        }
        (!parts.is_empty()).then(|| parts.join(" & "))
    }

    /// SQLite: the filters as conditions on the columns (each starts with ` AND`).
    fn push_conditions(self, sql: &mut Sql) {
        if !self.skills.is_empty() {
            sql.push(
                " AND EXISTS (SELECT 1 FROM job_offer_skills s WHERE s.offer_id = o.id AND s.tag_key IN ",
            )
            .bind_list(self.skills)
            .push(")");
        }
        if !self.contracts.is_empty() {
            sql.push(" AND o.contract_type IN ")
                .bind_list(self.contracts);
        }
        match (self.place, self.remote) {
            (Some(p), Some(r)) => {
                sql.push(" AND (o.location_key LIKE ")
                    .bind(Bind::Text(format!("%{p}%")))
                    .push(" OR o.remote IN ")
                    .bind_list(r)
                    .push(")");
            }
            (Some(p), None) => {
                sql.push(" AND o.location_key LIKE ")
                    .bind(Bind::Text(format!("%{p}%")));
            }
            (None, Some(r)) => {
                sql.push(" AND o.remote IN ").bind_list(r);
            }
            (None, None) => {}
        }
        if self.without_diploma {
            sql.push(" AND o.open_without_diploma = ")
                .bind(Bind::Bool(true));
        }
        if self.without_experience {
            sql.push(" AND o.open_without_experience = ")
                .bind(Bind::Bool(true));
        }
        if let Some(l) = self.language {
            sql.push(" AND o.languages LIKE ")
                .bind(Bind::Text(format!("%,{l}%")));
        }
    }
}

/// The words of a search as the full-text engine reads them: folded like the index, each word
/// also matching longer words that start with it ("cuisin" finds "cuisinier").
fn fts_query(words: &[String], pg: bool) -> String {
    let term = |w: &String| {
        let prefix = w.chars().count() >= 3;
        match (pg, prefix) {
            (true, true) => format!("{w}:*"),
            (true, false) => w.clone(),
            (false, true) => format!("\"{w}\"*"),
            (false, false) => format!("\"{w}\""),
        }
    };
    words
        .iter()
        .map(term)
        .collect::<Vec<_>>()
        .join(if pg { " & " } else { " " })
}

/// Checks a query and tells what is wrong with it, field by field.
pub fn validate(query: &BoardQuery) -> AppResult<()> {
    let mut errors = vec![];
    if let Some(s) = text(&query.since)
        && NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err()
    {
        errors.push(crate::error::FieldError::new(
            "since",
            "invalid",
            "Write the date as YYYY-MM-DD.",
        ));
    }
    for c in list(&query.contract) {
        if !super::CONTRACT_TYPES.contains(&c.as_str()) {
            errors.push(crate::error::FieldError::new(
                "contract",
                "invalid",
                format!(
                    "Unknown contract type “{c}”: choose among {}.",
                    super::CONTRACT_TYPES.join(", ")
                ),
            ));
        }
    }
    if let Some(r) = text(&query.remote)
        && !matches!(r, "partial" | "full")
    {
        errors.push(crate::error::FieldError::new(
            "remote",
            "invalid",
            "Remote work is partial or full.",
        ));
    }
    if let Some(s) = text(&query.sort)
        && !matches!(s, "relevance" | "date")
    {
        errors.push(crate::error::FieldError::new(
            "sort",
            "invalid",
            "Sort by relevance or by date.",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Only open offers: published, and not past their closing date.
fn push_state(sql: &mut Sql) {
    sql.push("o.state = ")
        .bind(Bind::Text(PUBLISHED.into()))
        .push(" AND (o.closes_on IS NULL OR o.closes_on >= ")
        .bind(Bind::Date(today()))
        .push(")");
}

/// Ids of the open offers matching `query` for `viewer`, in order, for one page; and whether
/// more follow. Offers of limited organisations and of organisations on silenced servers are
/// left out, except for members who follow the organisation.
pub fn find(
    conn: &mut DbConn,
    query: &BoardQuery,
    viewer: Option<i64>,
) -> AppResult<(Vec<i64>, bool)> {
    validate(query)?;
    let pg = !conn.is_sqlite();
    let words: Vec<String> = text(&query.q)
        .map(|q| {
            super::search_words(q)
                .split(' ')
                .filter(|w| !w.is_empty())
                .take(12)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let fts = !words.is_empty();
    let mut sql = Sql {
        pg,
        text: String::new(),
        binds: vec![],
    };
    let filters = Filters::of(query);
    if pg {
        // words and filters, all answered by the full-text index
        let matched: Vec<String> = fts
            .then(|| fts_query(&words, true))
            .into_iter()
            .chain(filters.facet_query())
            .collect();
        if matched.is_empty() {
            sql.push("SELECT o.id AS id FROM job_offers o WHERE ");
        } else {
            sql.push("SELECT o.id AS id FROM job_offers o WHERE o.search @@ to_tsquery('simple', ")
                .bind(Bind::Text(matched.join(" & ")))
                .push(") AND ");
        }
        push_state(&mut sql);
    } else {
        if fts {
            // CROSS JOIN keeps the full-text index as the outer loop: left to itself, SQLite
            // may walk every offer by date and probe the index for each (seconds on 100,000
            // offers)
            sql.push(
                "SELECT o.id AS id FROM job_offers_fts CROSS JOIN job_offers o \
                 ON o.id = job_offers_fts.rowid WHERE job_offers_fts MATCH ",
            )
            .bind(Bind::Text(fts_query(&words, false)))
            .push(" AND ");
        } else {
            sql.push("SELECT o.id AS id FROM job_offers o WHERE ");
        }
        push_state(&mut sql);
        filters.push_conditions(&mut sql);
    }
    if let Some(d) = text(&query.since).and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    {
        sql.push(" AND o.published_at >= ")
            .bind(Bind::Time(d.and_hms_opt(0, 0, 0).expect("midnight")));
    }
    if let Some(id) = query.organisation {
        sql.push(" AND o.organisation_id = ").bind(Bind::Int(id));
    }
    let silenced = crate::moderation::restrictions::kept_out_of_public_lists(conn, "organization")?;
    if !silenced.is_empty() {
        sql.push(" AND (o.organisation_id NOT IN ")
            .bind_ints(&silenced)
            .push(" OR EXISTS (SELECT 1 FROM follows f WHERE f.followed_id = o.organisation_id AND f.state = 'accepted' AND f.follower_id = ")
            .bind(Bind::Int(viewer.unwrap_or(0)))
            .push("))");
    }
    let by_relevance = fts && text(&query.sort) != Some("date");
    match (by_relevance, pg) {
        (true, false) => sql.push(" ORDER BY job_offers_fts.rank, o.id DESC"),
        (true, true) => sql
            .push(" ORDER BY ts_rank(o.search, to_tsquery('simple', ")
            .bind(Bind::Text(fts_query(&words, true)))
            .push(")) DESC, o.id DESC"),
        _ => sql.push(" ORDER BY o.published_at DESC, o.id DESC"),
    };
    let per_page = query.per_page();
    sql.push(" LIMIT ")
        .bind(Bind::Int(per_page + 1))
        .push(" OFFSET ")
        .bind(Bind::Int((query.page() - 1) * per_page));
    let rows: Vec<IdRow> = crate::native!(conn, |c| {
        let mut q = diesel::sql_query(sql.text.as_str()).into_boxed();
        for b in &sql.binds {
            q = match b {
                Bind::Text(s) => q.bind::<Text, _>(s.clone()),
                Bind::Int(i) => q.bind::<BigInt, _>(*i),
                Bind::Bool(v) => q.bind::<Bool, _>(*v),
                Bind::Date(d) => q.bind::<Date, _>(*d),
                Bind::Time(t) => q.bind::<Timestamp, _>(*t),
            };
        }
        q.load(c)
    })?;
    let mut ids: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
    let more = ids.len() as i64 > per_page;
    ids.truncate(per_page as usize);
    Ok((ids, more))
}

/// One page of the board: the offers as `viewer` sees them, and whether more follow.
pub fn board(
    conn: &mut DbConn,
    query: &BoardQuery,
    viewer: Option<&DbActor>,
) -> AppResult<(Vec<super::OfferView>, bool)> {
    let (ids, more) = find(conn, query, viewer.map(|v| v.id))?;
    let mut offers = model::by_ids(conn, &ids)?;
    offers.sort_by_key(|o| ids.iter().position(|i| *i == o.id));
    Ok((super::views_of(conn, offers, viewer)?, more))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_become_safe_fts_queries() {
        let words: Vec<String> = crate::jobs::search_words("Cuisinière \"OR\" * a-b")
            .split(' ')
            .map(str::to_string)
            .collect();
        assert_eq!(words, ["cuisiniere", "or", "a", "b"]);
        assert_eq!(fts_query(&words, false), r#""cuisiniere"* "or" "a" "b""#);
        assert_eq!(fts_query(&words, true), "cuisiniere:* & or & a & b");
    }

    #[test]
    fn queries_are_checked() {
        let q = BoardQuery {
            contract: Some("permanent,forever".into()),
            since: Some("yesterday".into()),
            ..Default::default()
        };
        match validate(&q) {
            Err(AppError::Invalid(e)) => {
                let fields: Vec<_> = e.iter().map(|f| f.field.as_str()).collect();
                assert_eq!(fields, ["since", "contract"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(validate(&BoardQuery::default()).is_ok());
    }
}
