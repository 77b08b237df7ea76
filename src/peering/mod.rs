//! Whom this instance federates with: the federation mode (`open` or `allowlist`, a setting)
//! and the administrators' rules about other servers (`allow`, `silence`, `block`, with a
//! reason), imported and exported as CSV.
//!
//! Partnerships between instance actors are in [`partnerships`]; active partners are allowed in
//! allowlist mode.
//!
//! One decision, [`check`], is applied everywhere a server is met: the inbox (before anything
//! is fetched or stored), signed fetches of our documents, every outgoing fetch (through the
//! federation library's URL verifier and WebFinger) and the delivery worker (which drops what
//! was queued for a refused server). A rule on a domain also covers its subdomains and every
//! port; the most specific rule wins.

pub mod api;
pub mod federation;
pub mod model;
pub mod partnerships;
pub mod web;

use crate::{
    config::FederationMode,
    db::DbConn,
    error::{AppError, AppResult, FieldError},
    state::AppState,
};
use serde::{Deserialize, Serialize};

/// An administrator's rule about another server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Listed: federation allowed, also in allowlist mode.
    Allow,
    /// Federation allowed (follows work, also in allowlist mode), but its content is kept out
    /// of public lists.
    Silence,
    /// No contact at all: its activities are refused, nothing is fetched from or sent to it.
    Block,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Allow => "allow",
            Policy::Silence => "silence",
            Policy::Block => "block",
        }
    }

    /// Our words, plus Mastodon's block-list severities (`suspend` is a block).
    pub fn parse(s: &str) -> Option<Policy> {
        match s.trim().to_ascii_lowercase().as_str() {
            "allow" => Some(Policy::Allow),
            "silence" | "limit" => Some(Policy::Silence),
            "block" | "suspend" => Some(Policy::Block),
            _ => None,
        }
    }

    /// The severity written in exported CSV files, as Mastodon reads them.
    fn csv_severity(self) -> &'static str {
        match self {
            Policy::Allow => "allow",
            Policy::Silence => "silence",
            Policy::Block => "suspend",
        }
    }
}

/// A rule as shown to administrators.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PolicyView {
    /// `host` or `host:port`; also covers subdomains.
    pub host: String,
    pub policy: Policy,
    pub reason: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<model::DbPolicy> for PolicyView {
    fn from(p: model::DbPolicy) -> Self {
        PolicyView {
            policy: Policy::parse(&p.policy).unwrap_or(Policy::Block),
            host: p.host,
            reason: p.reason,
            updated_at: p.updated_at.and_utc(),
        }
    }
}

/// A server name as typed by an administrator (`Example.org`, `example.org:8443`, or a URL on
/// it), in the form rules are stored: lower case `host[:port]`.
pub fn normalize_host(input: &str) -> Result<String, String> {
    let input = input.trim();
    let bare = match url::Url::parse(input) {
        Ok(u) if u.host_str().is_some() => crate::federation::host_of(&u).unwrap_or_default(),
        _ => input.trim_end_matches('/').to_ascii_lowercase(),
    };
    let (host, port) = match bare.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (bare.as_str(), None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    if host_ok && port_ok {
        Ok(bare)
    } else {
        Err(format!(
            "`{input}` is not a server name such as social.example.org (or example.org:8443)"
        ))
    }
}

/// The rule names that apply to `host`, most specific first: `a.example.org:8443`, then
/// `a.example.org`, then `example.org` and `org`.
fn candidates(host: &str) -> Vec<String> {
    let mut out = vec![host.to_string()];
    let bare = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    if bare != host {
        out.push(bare.to_string());
    }
    let mut rest = bare;
    while let Some((_, parent)) = rest.split_once('.') {
        out.push(parent.to_string());
        rest = parent;
    }
    out
}

/// The rule that applies to `host`, if any.
pub fn rule_for(conn: &mut DbConn, host: &str) -> AppResult<Option<model::DbPolicy>> {
    let names = candidates(host);
    let rules = model::by_hosts(conn, &names)?;
    Ok(names
        .iter()
        .find_map(|n| rules.iter().find(|r| &r.host == n).cloned()))
}

/// The remote actors of `kind` whose server is silenced (kept out of public lists), by id.
/// Cheap when no server is silenced (one query on the rules).
pub fn silenced_actors(conn: &mut DbConn, kind: &str) -> AppResult<Vec<i64>> {
    use crate::db::schema::actors;
    use diesel::prelude::*;
    if !model::all(conn)?.iter().any(|r| r.policy == "silence") {
        return Ok(vec![]);
    }
    let known: Vec<(i64, String)> = actors::table
        .filter(actors::local.eq(false))
        .filter(actors::kind.eq(kind))
        .select((actors::id, actors::domain))
        .load(conn)?;
    let mut silenced = std::collections::HashMap::new();
    let mut out = vec![];
    for (id, domain) in known {
        let is = match silenced.get(&domain) {
            Some(s) => *s,
            None => {
                let s = rule_for(conn, &domain)?.is_some_and(|r| r.policy == "silence");
                silenced.insert(domain, s);
                s
            }
        };
        if is {
            out.push(id);
        }
    }
    Ok(out)
}

/// Whether we may exchange anything with `host`; the error says why not, for the refused
/// server (403) or the member who tried to reach it.
pub fn decide(mode: FederationMode, host: &str, rule: Option<&model::DbPolicy>) -> AppResult<()> {
    let policy = rule.and_then(|r| Policy::parse(&r.policy));
    match (mode, policy) {
        (_, Some(Policy::Block)) => {
            let reason = rule.map(|r| r.reason.as_str()).unwrap_or_default();
            Err(AppError::Forbidden(if reason.is_empty() {
                format!("this server does not federate with {host}: it is blocked")
            } else {
                format!("this server does not federate with {host}: it is blocked ({reason})")
            }))
        }
        (FederationMode::Allowlist, None) => Err(AppError::Forbidden(format!(
            "this server federates only with the servers its administrators allowed \
             (allowlist mode), and {host} is not one of them"
        ))),
        _ => Ok(()),
    }
}

/// [`decide`] for `host`, on a connection (inside a transaction or a worker).
pub fn check_conn(conn: &mut DbConn, mode: FederationMode, host: &str) -> AppResult<()> {
    let rule = rule_for(conn, host)?;
    // an active partner needs no allow rule (a block still wins)
    if mode == FederationMode::Allowlist && rule.is_none() && partnerships::is_partner(conn, host)?
    {
        return Ok(());
    }
    decide(mode, host, rule.as_ref())
}

/// [`decide`] for `host` with this instance's mode: 403 with a reason when refused.
pub async fn check(state: &AppState, host: &str) -> AppResult<()> {
    let mode = state.config.federation.mode;
    let host = host.to_ascii_lowercase();
    state.db.read(move |c| check_conn(c, mode, &host)).await
}

/// A rule to write, validated.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct PolicyInput {
    pub policy: Policy,
    /// Why: shown to the refused server (for a block) and to administrators.
    #[serde(default)]
    pub reason: String,
}

const MAX_REASON: usize = 500;

fn validate(host: &str, reason: &str) -> AppResult<String> {
    let host = normalize_host(host).map_err(|m| AppError::invalid("host", "invalid", m))?;
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid(
            "reason",
            "too_long",
            format!("Keep the reason under {MAX_REASON} characters."),
        ));
    }
    Ok(host)
}

/// Sets the rule about `host` (replacing any rule on that exact name) and records it in the
/// audit log; blocking also drops what was queued for the servers it covers.
pub async fn set_policy(
    state: &AppState,
    by: Option<i64>,
    host: &str,
    input: PolicyInput,
) -> AppResult<PolicyView> {
    let host = validate(host, &input.reason)?;
    let reason = input.reason.trim().to_string();
    let row = state
        .db
        .write(move |conn| apply_rule(conn, by, &host, input.policy, &reason))
        .await?;
    Ok(row.into())
}

/// Writes a rule, drops the queue of a blocked server and records the action, inside the
/// caller's transaction (also used by moderators resolving a report).
pub(crate) fn apply_rule(
    conn: &mut DbConn,
    by: Option<i64>,
    host: &str,
    policy: Policy,
    reason: &str,
) -> AppResult<model::DbPolicy> {
    let row = model::upsert(conn, host, policy.as_str(), reason)?;
    if policy == Policy::Block {
        model::drop_deliveries_covered_by(conn, host)?;
    }
    crate::moderation::audit(
        conn,
        by,
        &format!("instance.{}", policy.as_str()),
        host,
        reason,
    )?;
    Ok(row)
}

/// Removes the rule on exactly `host`; 404 if there is none.
pub async fn remove_policy(state: &AppState, by: Option<i64>, host: &str) -> AppResult<()> {
    let host = normalize_host(host).map_err(|m| AppError::invalid("host", "invalid", m))?;
    state
        .db
        .write(move |conn| {
            if model::delete(conn, &host)? == 0 {
                return Err(AppError::NotFound(format!("there is no rule about {host}")));
            }
            crate::moderation::audit(conn, by, "instance.remove", &host, "")
        })
        .await
}

/// Every rule, sorted by host.
pub async fn list(state: &AppState) -> AppResult<Vec<PolicyView>> {
    Ok(state
        .db
        .read(|c| Ok(model::all(c)?))
        .await?
        .into_iter()
        .map(PolicyView::from)
        .collect())
}

/// The rules as CSV, in the columns Mastodon's domain-block import reads
/// (`#domain,#severity,#public_comment`; a block is written `suspend`).
pub fn to_csv(rules: &[PolicyView]) -> AppResult<String> {
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(["#domain", "#severity", "#public_comment"])
        .map_err(anyhow::Error::from)?;
    for r in rules {
        w.write_record([r.host.as_str(), r.policy.csv_severity(), r.reason.as_str()])
            .map_err(anyhow::Error::from)?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(String::from_utf8(bytes).map_err(anyhow::Error::from)?)
}

/// Reads a CSV block list: a header naming at least `#domain` (or `domain`), optionally
/// `#severity` (default `suspend`, a block) and `#public_comment` (or `reason`); other columns
/// (Mastodon's `#reject_media` …) are ignored. Every error is reported with its line.
pub fn parse_csv(text: &str) -> AppResult<Vec<(String, Policy, String)>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            AppError::invalid(
                "file",
                "header_unreadable",
                format!("the CSV header cannot be read: {e}"),
            )
        })?
        .clone();
    let column = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.contains(&h.trim_start_matches('#').to_ascii_lowercase().as_str()))
    };
    let domain = column(&["domain", "host"]).ok_or_else(|| {
        AppError::invalid(
            "file",
            "columns",
            "the first line must name the columns, with at least #domain \
             (for example: #domain,#severity,#public_comment)",
        )
    })?;
    let severity = column(&["severity", "policy"]);
    let comment = column(&["public_comment", "reason", "comment"]);
    let mut rules = vec![];
    let mut errors = vec![];
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(
                    FieldError::new("file", "line_unreadable", format!("line {line}: {e}"))
                        .with_arg("line", line),
                );
                continue;
            }
        };
        let field = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").trim();
        let host = match normalize_host(field(Some(domain))) {
            Ok(h) => h,
            Err(m) => {
                errors.push(
                    FieldError::new("file", "line_host", format!("line {line}: {m}"))
                        .with_arg("line", line)
                        .with_arg("value", field(Some(domain))),
                );
                continue;
            }
        };
        let policy = match field(severity) {
            "" => Some(Policy::Block),
            s => Policy::parse(s),
        };
        let Some(policy) = policy else {
            errors.push(
                FieldError::new(
                    "file",
                    "line_severity",
                    format!(
                        "line {line}: unknown severity `{}` (use block, suspend, silence or allow)",
                        field(severity)
                    ),
                )
                .with_arg("line", line)
                .with_arg("value", field(severity)),
            );
            continue;
        };
        let reason = field(comment).to_string();
        if reason.chars().count() > MAX_REASON {
            errors.push(
                FieldError::new(
                    "file",
                    "line_reason_too_long",
                    format!("line {line}: the comment is longer than {MAX_REASON} characters"),
                )
                .with_arg("line", line)
                .with_arg("max", MAX_REASON),
            );
            continue;
        }
        rules.push((host, policy, reason));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(rules)
}

/// What an import changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// Rules written (new or replaced).
    pub written: usize,
}

/// Imports a CSV block list: every line is checked first, then all rules are written in one
/// transaction (a file with one bad line changes nothing).
pub async fn import_csv(state: &AppState, by: Option<i64>, text: &str) -> AppResult<ImportSummary> {
    let rules = parse_csv(text)?;
    state
        .db
        .write(move |conn| {
            for (host, policy, reason) in &rules {
                apply_rule(conn, by, host, *policy, reason)?;
            }
            Ok(ImportSummary {
                written: rules.len(),
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_normalised() {
        assert_eq!(
            normalize_host(" Social.Example.org ").unwrap(),
            "social.example.org"
        );
        assert_eq!(
            normalize_host("https://a.example/users/x").unwrap(),
            "a.example"
        );
        assert_eq!(normalize_host("localhost:8443").unwrap(), "localhost:8443");
        assert!(normalize_host("not a host").is_err());
        assert!(normalize_host("a..b").is_err());
        assert!(normalize_host("a.b:99999").is_err());
        assert!(normalize_host("").is_err());
    }

    #[test]
    fn rules_cover_subdomains_and_ports() {
        assert_eq!(
            candidates("a.example.org:8443"),
            ["a.example.org:8443", "a.example.org", "example.org", "org"]
        );
        assert_eq!(candidates("localhost"), ["localhost"]);
    }

    fn rule(policy: &str, reason: &str) -> model::DbPolicy {
        model::DbPolicy {
            id: 1,
            host: "x.example".into(),
            policy: policy.into(),
            reason: reason.into(),
            created_at: crate::db::now(),
            updated_at: crate::db::now(),
        }
    }

    #[test]
    fn modes_and_rules_decide() {
        use FederationMode::*;
        assert!(decide(Open, "x.example", None).is_ok());
        assert!(decide(Allowlist, "x.example", None).is_err());
        assert!(decide(Allowlist, "x.example", Some(&rule("allow", ""))).is_ok());
        assert!(decide(Allowlist, "x.example", Some(&rule("silence", ""))).is_ok());
        let e = decide(Open, "x.example", Some(&rule("block", "spam"))).unwrap_err();
        assert!(e.to_string().contains("spam"), "{e}");
        assert_eq!(e.status(), http::StatusCode::FORBIDDEN);
    }

    #[test]
    fn csv_round_trip_and_errors() {
        let text = "#domain,#severity,#reject_media,#public_comment\n\
                    spam.example,suspend,true,\"spam, lots\"\n\
                    loud.example,silence,false,\n\
                    friend.example,allow,,\n";
        let rules = parse_csv(text).unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(
            rules[0],
            ("spam.example".into(), Policy::Block, "spam, lots".into())
        );
        assert_eq!(rules[1].1, Policy::Silence);
        let views: Vec<PolicyView> = rules
            .iter()
            .map(|(h, p, r)| PolicyView {
                host: h.clone(),
                policy: *p,
                reason: r.clone(),
                updated_at: chrono::Utc::now(),
            })
            .collect();
        let again = parse_csv(&to_csv(&views).unwrap()).unwrap();
        assert_eq!(again, rules);

        let e = parse_csv("#domain,#severity\nok.example,block\nbad host,block\nx.example,nuke\n")
            .unwrap_err();
        let AppError::Invalid(fields) = e else {
            panic!()
        };
        assert_eq!(fields.len(), 2);
        assert!(fields[0].message.starts_with("line 3"), "{fields:?}");
        assert!(fields[1].message.contains("nuke"), "{fields:?}");
        assert!(parse_csv("a,b\nx,y\n").is_err());
    }
}
