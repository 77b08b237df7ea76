//! Notification emails through the configured SMTP server (`[email]`): a worker looks for
//! notifications waiting for an email every `email.poll_interval`, and sends each member one
//! email with all of theirs — at once for members who chose `immediate`, at most once per
//! `email.digest_interval` for those who chose `daily`. Notifications are taken off the queue
//! before sending (so two nodes never send the same one) and put back if sending fails, to be
//! tried again at the next round; nothing is sent without an SMTP server.

use super::model;
use crate::{
    config::{EmailConfig, EmailTls},
    db::{DbConn, now, schema::accounts},
    error::AppResult,
    state::AppState,
};
use diesel::prelude::*;
use fluent_bundle::FluentValue;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::{authentication::Credentials, extension::ClientId},
};
use tokio::task::JoinHandle;

type Mailer = AsyncSmtpTransport<Tokio1Executor>;

/// The SMTP client for the configuration.
fn mailer(config: &EmailConfig, domain: &str) -> anyhow::Result<Mailer> {
    let host = config.smtp_host.as_str();
    let builder = match config.tls {
        EmailTls::Starttls => Mailer::starttls_relay(host)?,
        EmailTls::Tls => Mailer::relay(host)?,
        EmailTls::None => Mailer::builder_dangerous(host),
    };
    // EHLO names this server by its host name (without a port)
    let hello = domain.split(':').next().unwrap_or(domain).to_string();
    let mut builder = builder
        .port(config.smtp_port)
        .hello_name(ClientId::Domain(hello))
        .timeout(Some(std::time::Duration::from_secs(20)));
    if let (Some(u), Some(p)) = (&config.username, &config.password) {
        builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
    }
    Ok(builder.build())
}

/// Starts the email worker when an SMTP server is configured.
pub fn spawn(state: AppState) -> anyhow::Result<Option<JoinHandle<()>>> {
    if !state.config.email.enabled() {
        return Ok(None);
    }
    let mailer = mailer(&state.config.email, &state.domain)?;
    Ok(Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.config.email.poll_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = send_pending(&state, &mailer).await {
                tracing::warn!("notification emails: {e}");
            }
        }
    })))
}

/// One email to write: to whom, and which notifications.
struct Outgoing {
    account_id: i64,
    to: Mailbox,
    digest: bool,
    notifications: Vec<super::Notification>,
}

/// Sends the emails that are due; returns how many were sent.
pub async fn send_pending(state: &AppState, mailer: &Mailer) -> AppResult<usize> {
    let digest_interval = chrono::Duration::from_std(state.config.email.digest_interval)
        .unwrap_or(chrono::Duration::days(1));
    let due = state
        .db
        .write(move |c| due_emails(c, digest_interval))
        .await?;
    let mut sent = 0;
    for out in due {
        let ids: Vec<i64> = out.notifications.iter().map(|n| n.row.id).collect();
        let message = compose(state, &out)?;
        match mailer.send(message).await {
            Ok(_) => {
                let (account, digest) = (out.account_id, out.digest);
                if digest {
                    state
                        .db
                        .write(move |c| {
                            diesel::update(accounts::table.find(account))
                                .set(accounts::last_digest_at.eq(Some(now())))
                                .execute(c)?;
                            Ok(())
                        })
                        .await?;
                }
                sent += 1;
            }
            Err(e) => {
                tracing::warn!("notification email to account {}: {e}", out.account_id);
                state
                    .db
                    .write(move |c| Ok(model::requeue_email(c, &ids)?))
                    .await?;
            }
        }
    }
    Ok(sent)
}

/// The emails due now. Notifications of members who no longer want emails (or lost their
/// address) are taken off the queue.
fn due_emails(c: &mut DbConn, digest_interval: chrono::Duration) -> AppResult<Vec<Outgoing>> {
    let now = now();
    let mut out = vec![];
    for (account_id, address, choice, last_digest) in model::accounts_with_pending_email(c)? {
        let rows = model::pending_email(c, account_id)?;
        let mailbox = address.as_deref().and_then(|a| a.parse::<Mailbox>().ok());
        let (Some(to), "immediate" | "daily") = (mailbox, choice.as_str()) else {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            model::clear_email(c, &ids)?;
            continue;
        };
        let digest = choice == "daily";
        if digest && last_digest.is_some_and(|at| now - at < digest_interval) {
            continue;
        }
        // taken off the queue now (another node's worker skips them); put back on failure
        let taken = model::claim_email(c, &rows.iter().map(|r| r.id).collect::<Vec<_>>())?;
        let rows: Vec<_> = rows.into_iter().filter(|r| taken.contains(&r.id)).collect();
        if rows.is_empty() {
            continue;
        }
        let ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
        let people: Vec<crate::actors::model::DbActor> = crate::db::schema::actors::table
            .filter(crate::db::schema::actors::id.eq_any(ids))
            .select(crate::actors::model::DbActor::as_select())
            .load(c)?;
        out.push(Outgoing {
            account_id,
            to,
            digest,
            notifications: rows
                .into_iter()
                .map(|row| super::Notification {
                    actor: people.iter().find(|a| Some(a.id) == row.actor_id).cloned(),
                    row,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// The email: one line per notification with its link, in French then English (accounts have
/// no language of their own yet).
fn compose(state: &AppState, out: &Outgoing) -> AppResult<Message> {
    let name = &state.config.instance.name;
    let count = out.notifications.len() as i64;
    let mut body = String::new();
    for lang in crate::web::i18n::LANGUAGES {
        let t = |key: &str, args: &[(&str, FluentValue)]| state.i18n.message(lang, key, args);
        body.push_str(&t(
            "email-intro",
            &[
                ("count", FluentValue::from(count)),
                ("instance", FluentValue::from(name.as_str())),
            ],
        ));
        body.push_str("\n\n");
        for n in &out.notifications {
            body.push_str("- ");
            body.push_str(&super::describe(state, lang, n));
            if let Some(link) = super::link(state, &n.row) {
                body.push_str("\n  ");
                body.push_str(&link);
            }
            body.push('\n');
        }
        body.push('\n');
        body.push_str(&t("email-settings", &[]));
        body.push_str(&format!(
            "\n{}\n\n",
            state
                .base_url
                .join("/settings/notifications")
                .map(|u| u.to_string())
                .unwrap_or_default()
        ));
    }
    let subject = state.i18n.message(
        "fr",
        if out.digest {
            "email-subject-digest"
        } else {
            "email-subject"
        },
        &[
            ("count", FluentValue::from(count)),
            ("instance", FluentValue::from(name.as_str())),
        ],
    );
    let from: Mailbox = state
        .config
        .email
        .from
        .parse()
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("email.from: {e}")))?;
    Message::builder()
        .from(from)
        .to(out.to.clone())
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("email: {e}")))
}
