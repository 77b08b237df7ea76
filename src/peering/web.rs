//! The public partners page.

use super::partnerships::{self, PartnerView};
use crate::web::{Ctx, Visitor, WebResult, html};
use askama::Template;
use axum::{Router, routing::get};

pub fn routes() -> Router {
    Router::new().route("/partners", get(partners))
}

#[derive(Template)]
#[template(path = "peering/partners.html")]
struct PartnersPage {
    ctx: Ctx,
    partners: Vec<PartnerView>,
}

/// `GET /partners`: this network's active partners, for everyone.
async fn partners(v: Visitor) -> WebResult {
    let partners = partnerships::partners(&v.data).await?;
    html(PartnersPage {
        ctx: v.page("partners-title"),
        partners,
    })
}
