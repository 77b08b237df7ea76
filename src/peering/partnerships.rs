//! Partnerships: an administrator proposes one to another server; its administrators accept or
//! decline; either side ends it. Active partners are allowed in allowlist mode and listed on the
//! public partners page; each side chooses whether its public job offers are shared with the
//! partner (`share_job_offers`, read by the job board). When an active partnership ends, on
//! either side, the partner's shared offers leave our board
//! ([`crate::jobs::federation::drop_partner_offers`]).

use super::{
    federation::{AnswerType, Offer, PartnershipAnswer},
    model::{self, DbPartnership},
};
use crate::{
    actors::model::DbActor,
    db::DbConn,
    error::{AppError, AppResult},
    federation::{delivery, outbox},
    moderation::audit,
    state::AppState,
};
use activitypub_federation::config::Data;
use serde::Serialize;
use url::Url;

/// A partnership as administrators see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnershipView {
    pub host: String,
    /// `outgoing` (we proposed, waiting), `incoming` (proposed to us) or `active`.
    pub state: String,
    pub proposed_by_us: bool,
    /// Our public job offers are shared with this partner.
    pub share_job_offers: bool,
    /// The partner's name (its instance actor's).
    pub name: String,
    pub since: chrono::DateTime<chrono::Utc>,
}

/// A partner as shown to everyone.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnerView {
    pub host: String,
    pub name: String,
    pub url: String,
}

fn view(conn: &mut DbConn, p: DbPartnership) -> AppResult<PartnershipView> {
    let name = crate::actors::model::by_id(conn, p.partner_actor_id)?
        .map(|a| a.display_name)
        .unwrap_or_default();
    Ok(PartnershipView {
        host: p.host,
        state: p.state,
        proposed_by_us: p.proposed_by_us,
        share_job_offers: p.share_job_offers,
        name,
        since: p.updated_at.and_utc(),
    })
}

fn host_arg(host: &str) -> AppResult<String> {
    super::normalize_host(host).map_err(|m| AppError::invalid("host", "invalid", m))
}

/// The Offer that created a partnership, rebuilt from its row (answers embed it).
fn offer_of(state: &AppState, p: &DbPartnership, partner: &DbActor) -> AppResult<Offer> {
    let (us, them) = (&state.instance_actor.ap_id.0, &partner.ap_id.0);
    let (from, to) = if p.proposed_by_us {
        (us, them)
    } else {
        (them, us)
    };
    Ok(Offer::new(Url::parse(&p.offer_ap_id)?, from, to))
}

fn partner_inbox(partner: &DbActor) -> String {
    partner.delivery_inbox()
}

/// Proposes a partnership to `host`: its instance actor (`/actor`) is fetched, then an `Offer`
/// is sent. The server must be allowed by the peering rules.
pub async fn propose(
    data: &Data<AppState>,
    by: Option<i64>,
    host: &str,
) -> AppResult<PartnershipView> {
    let host = host_arg(host)?;
    if host == data.domain {
        return Err(AppError::invalid(
            "host",
            "invalid",
            "This is our own server.",
        ));
    }
    super::check(data, &host).await?;
    let scheme = if data.allow_insecure_local && crate::config::is_localhost_domain(&host) {
        "http"
    } else {
        "https"
    };
    let url = Url::parse(&format!("{scheme}://{host}/actor"))?;
    let partner = crate::actors::federation::dereference(data, &url)
        .await
        .map_err(|e| {
            AppError::Federation(format!(
                "cannot reach the instance actor of {host} ({url}): {e}"
            ))
        })?;
    if partner.kind != "application"
        || crate::federation::host_of(&partner.ap_id) != Some(host.clone())
    {
        return Err(AppError::Federation(format!(
            "{url} is not the instance actor of {host}"
        )));
    }
    let s = (*data).clone();
    let view = data
        .db
        .write(move |conn| {
            if let Some(p) = model::partnership_with(conn, &host)? {
                return Err(AppError::Conflict(format!(
                    "there is already a partnership with {host} ({})",
                    p.state
                )));
            }
            let offer_id = outbox::new_id(&s.base_url, "partnerships");
            model::insert_partnership(
                conn,
                &host,
                partner.id,
                "outgoing",
                true,
                offer_id.as_str(),
            )?;
            let offer = Offer::new(offer_id, &s.instance_actor.ap_id, &partner.ap_id);
            outbox::enqueue(
                conn,
                &s.domain,
                &s.instance_actor,
                &offer,
                [partner_inbox(&partner)],
            )?;
            audit(conn, by, "partnership.propose", &host, "")?;
            let row = model::partnership_with(conn, &host)?
                .ok_or_else(|| AppError::not_found("partnership"))?;
            view(conn, row)
        })
        .await?;
    delivery::wake(data);
    Ok(view)
}

/// What an administrator does with a partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Decline,
    End,
}

/// Accepts or declines a proposal made to us, or ends a partnership (in any state); the other
/// side is told (`Accept`, `Reject`, `Undo` of the `Offer`).
pub async fn decide(
    state: &AppState,
    by: Option<i64>,
    host: &str,
    decision: Decision,
) -> AppResult<Option<PartnershipView>> {
    let host = host_arg(host)?;
    let s = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let p = model::partnership_with(conn, &host)?.ok_or_else(|| {
                AppError::NotFound(format!("there is no partnership with {host}"))
            })?;
            if decision != Decision::End && p.state != "incoming" {
                return Err(AppError::Conflict(format!(
                    "the partnership with {host} is {}; only a proposal made to us can be \
                     accepted or declined",
                    p.state
                )));
            }
            let partner = crate::actors::model::by_id(conn, p.partner_actor_id)?
                .ok_or_else(|| AppError::not_found("partner"))?;
            let (kind, action) = match decision {
                Decision::Accept => (AnswerType::Accept, "partnership.accept"),
                Decision::Decline => (AnswerType::Reject, "partnership.decline"),
                Decision::End => (AnswerType::Undo, "partnership.end"),
            };
            let answer = PartnershipAnswer::new(
                kind,
                outbox::new_id(&s.base_url, "activities"),
                &s.instance_actor.ap_id,
                offer_of(&s, &p, &partner)?,
            );
            outbox::enqueue(
                conn,
                &s.domain,
                &s.instance_actor,
                &answer,
                [partner_inbox(&partner)],
            )?;
            if decision == Decision::Accept {
                audit(conn, by, action, &host, "")?;
                model::set_partnership_state(conn, p.id, "active")?;
                let row = model::partnership_with(conn, &host)?
                    .ok_or_else(|| AppError::not_found("partnership"))?;
                Ok(Some(view(conn, row)?))
            } else {
                model::delete_partnership(conn, p.id)?;
                let details = end_effects(conn, &p)?;
                audit(conn, by, action, &host, &details)?;
                Ok(None)
            }
        })
        .await?;
    delivery::wake(state);
    Ok(view)
}

/// Chooses whether our public job offers are shared with a partner.
pub async fn share_job_offers(
    state: &AppState,
    by: Option<i64>,
    host: &str,
    share: bool,
) -> AppResult<PartnershipView> {
    let host = host_arg(host)?;
    let s = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let p = model::partnership_with(conn, &host)?.ok_or_else(|| {
                AppError::NotFound(format!("there is no partnership with {host}"))
            })?;
            model::set_share_job_offers(conn, p.id, share)?;
            if share && !p.share_job_offers && p.state == "active" {
                // the partner's board gets the offers already open, not only the next ones
                if let Some(partner) = crate::actors::model::by_id(conn, p.partner_actor_id)? {
                    crate::jobs::federation::send_all_to(conn, &s, &partner)?;
                }
            }
            let action = if share {
                "partnership.share_job_offers"
            } else {
                "partnership.stop_sharing_job_offers"
            };
            audit(conn, by, action, &host, "")?;
            let row = model::partnership_with(conn, &host)?
                .ok_or_else(|| AppError::not_found("partnership"))?;
            view(conn, row)
        })
        .await?;
    delivery::wake(state);
    Ok(view)
}

/// Every partnership, in any state (administrators).
pub async fn list(state: &AppState) -> AppResult<Vec<PartnershipView>> {
    state
        .db
        .read(|conn| {
            model::partnerships_in(conn, None)?
                .into_iter()
                .map(|p| view(conn, p))
                .collect()
        })
        .await
}

/// Active partners, for the public page.
pub async fn partners(state: &AppState) -> AppResult<Vec<PartnerView>> {
    let scheme = state.base_url.scheme().to_string();
    state
        .db
        .read(move |conn| {
            model::partnerships_in(conn, Some("active"))?
                .into_iter()
                .map(|p| {
                    let name = crate::actors::model::by_id(conn, p.partner_actor_id)?
                        .map(|a| a.display_name)
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| p.host.clone());
                    Ok(PartnerView {
                        url: format!("{scheme}://{}/", p.host),
                        host: p.host,
                        name,
                    })
                })
                .collect()
        })
        .await
}

/// Whether `host` is an active partner (allowed in allowlist mode).
pub fn is_partner(conn: &mut DbConn, host: &str) -> AppResult<bool> {
    Ok(model::partnership_with(conn, host)?.is_some_and(|p| p.state == "active"))
}

/// A proposal received from `actor` (an instance actor), inside the inbox's transaction.
pub fn receive_offer(conn: &mut DbConn, actor: &DbActor, offer: &Url) -> AppResult<()> {
    match model::partnership_with(conn, &actor.domain)? {
        None => {
            model::insert_partnership(
                conn,
                &actor.domain,
                actor.id,
                "incoming",
                false,
                offer.as_str(),
            )?;
            audit(conn, None, "partnership.proposed_to_us", &actor.domain, "")?;
            crate::notifications::notify_staff(
                conn,
                crate::accounts::Role::Admin,
                crate::notifications::PARTNERSHIP_REQUEST,
                Some(actor.id),
                Some(actor.ap_id.as_str()),
            )?;
            Ok(())
        }
        Some(p) => Err(AppError::Conflict(format!(
            "there is already a partnership with {} ({})",
            actor.domain, p.state
        ))),
    }
}

/// An answer from the partner's instance actor about the `Offer` `offer`.
pub fn receive_answer(
    conn: &mut DbConn,
    actor: &DbActor,
    kind: AnswerType,
    offer: &Url,
) -> AppResult<()> {
    let p = model::partnership_with(conn, &actor.domain)?
        .filter(|p| p.offer_ap_id == offer.as_str())
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no partnership proposal {offer} with {}",
                actor.domain
            ))
        })?;
    let (action, keep) = match (kind, p.state.as_str()) {
        (AnswerType::Accept, "outgoing") => ("partnership.accepted_by_them", true),
        (AnswerType::Reject, "outgoing") => ("partnership.declined_by_them", false),
        (AnswerType::Undo, _) => ("partnership.ended_by_them", false),
        (_, state) => {
            return Err(AppError::Conflict(format!(
                "the partnership with {} is {state}: nothing to answer",
                actor.domain
            )));
        }
    };
    let details = if keep {
        model::set_partnership_state(conn, p.id, "active")?;
        String::new()
    } else {
        model::delete_partnership(conn, p.id)?;
        end_effects(conn, &p)?
    };
    audit(conn, None, action, &actor.domain, &details)
}

/// What ending (or declining) the partnership `p` does here: an active partner's shared job
/// offers leave our board. Returns the audit entry's details.
fn end_effects(conn: &mut DbConn, p: &DbPartnership) -> AppResult<String> {
    if p.state != "active" {
        return Ok(String::new());
    }
    let closed = crate::jobs::federation::drop_partner_offers(conn, &p.host)?;
    Ok(if closed == 0 {
        String::new()
    } else {
        format!("{closed} shared job offer(s) closed here")
    })
}
