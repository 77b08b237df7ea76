//! The administrators' dashboard (`/admin`): members and activity over the last weeks as
//! charts (with their figures as tables), the federation queue per instance, and the partners.

use crate::{
    accounts::Role,
    db::{DbConn, now},
    error::AppResult,
    federation::delivery::{self, InstanceQueue},
    web::{Ctx, SignedIn, WebResult, html},
};
use askama::Template;
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// Weeks the charts cover.
pub const WEEKS: usize = 12;

/// One weekly series: (first day of the week, count).
pub type Series = Vec<(NaiveDate, i64)>;

/// Counts `dates` per week over the last [`WEEKS`] weeks up to `now`, oldest first.
pub fn weekly(dates: &[NaiveDateTime], now: NaiveDateTime) -> Series {
    let start = now - Duration::weeks(WEEKS as i64);
    let mut counts = vec![0i64; WEEKS];
    for d in dates.iter().filter(|d| **d >= start && **d <= now) {
        let w = (((*d - start).num_days() / 7) as usize).min(WEEKS - 1);
        counts[w] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, n)| ((start + Duration::weeks(i as i64)).date(), n))
        .collect()
}

/// A bar chart of one series as SVG (`title` is its accessible name; the page also shows the
/// figures as a table).
pub fn bars(series: &Series, title: &str) -> String {
    let (w, h, pad) = (600.0_f64, 160.0_f64, 10.0_f64);
    let max = series.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let slot = (w - 2.0 * pad) / series.len().max(1) as f64;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        crate::html::escape(title)
    );
    for (i, (_, n)) in series.iter().enumerate() {
        let bh = (h - 2.0 * pad) * *n as f64 / max;
        svg.push_str(&format!(
            r#"<rect class="bar-threads" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
            pad + slot * i as f64 + 2.0,
            h - pad - bh,
            slot - 4.0,
            bh
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// What the dashboard shows.
pub struct Figures {
    pub members: i64,
    pub communities: i64,
    pub new_members: Series,
    pub posts: Series,
    pub community_messages: Series,
    pub offers: Series,
    pub queue: Vec<InstanceQueue>,
}

pub fn figures(conn: &mut DbConn) -> AppResult<Figures> {
    let at = now();
    let since = at - Duration::weeks(WEEKS as i64);
    Ok(Figures {
        members: crate::actors::model::count_local(conn, "person")?,
        communities: crate::actors::model::count_local(conn, "group")?,
        new_members: weekly(
            &crate::actors::model::local_created_since(conn, "person", since)?,
            at,
        ),
        posts: weekly(
            &crate::posts::model::local_published_since(conn, since)?,
            at,
        ),
        community_messages: weekly(
            &crate::communities::model::local_published_since(conn, since)?,
            at,
        ),
        offers: weekly(&crate::jobs::model::local_published_since(conn, since)?, at),
        queue: delivery::queue_state(conn)?,
    })
}

/// One chart of the page: its title, SVG and figures.
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub svg: String,
    pub series: Series,
}

#[derive(Template)]
#[template(path = "moderation/dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    members: i64,
    communities: i64,
    partners: usize,
    charts: Vec<Chart>,
    queue: Vec<InstanceQueue>,
}

/// `GET /admin`: the dashboard (moderators and administrators).
pub async fn page(s: SignedIn) -> WebResult {
    super::web::require(&s, Role::Moderator)?;
    let v = &s.visitor;
    let f = v.data.db.read(figures).await?;
    let partners = crate::peering::partnerships::partners(&v.data).await?.len();
    let chart = |id: &'static str, key: &str, series: Series| {
        let title = v.t(key);
        Chart {
            id,
            svg: bars(&series, &title),
            title,
            series,
        }
    };
    html(DashboardPage {
        ctx: v.page("admin-dashboard-title"),
        members: f.members,
        communities: f.communities,
        partners,
        charts: vec![
            chart("members", "admin-chart-new-members", f.new_members),
            chart("posts", "admin-chart-posts", f.posts),
            chart(
                "community",
                "admin-chart-community-messages",
                f.community_messages,
            ),
            chart("offers", "admin-chart-offers", f.offers),
        ],
        queue: f.queue,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_counted_per_week() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let dates = [
            now - Duration::days(1),
            now - Duration::days(2),
            now - Duration::days(20),
            now - Duration::weeks(20),
        ];
        let s = weekly(&dates, now);
        assert_eq!(s.len(), WEEKS);
        assert_eq!(s[WEEKS - 1].1, 2);
        assert_eq!(s.iter().map(|(_, n)| n).sum::<i64>(), 3);
        assert_eq!(bars(&s, "x").matches("<rect").count(), WEEKS);
    }
}
