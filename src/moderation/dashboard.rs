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

/// Servers shown in the queue chart (the most waiting first; the table lists them all).
pub const QUEUE_CHART_SERVERS: usize = 20;

/// A horizontal bar chart of the deliveries waiting per server, as SVG with each server's
/// name and count written beside its bar (the page also shows them as a table).
pub fn queue_bars(queue: &[InstanceQueue], title: &str) -> String {
    let mut rows: Vec<(&str, i64)> = queue.iter().map(|q| (q.host.as_str(), q.pending)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows.truncate(QUEUE_CHART_SERVERS);
    let (w, row, label) = (600.0_f64, 24.0_f64, 230.0_f64);
    let h = row * rows.len().max(1) as f64;
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let room = w - label - 60.0;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        crate::html::escape(title)
    );
    for (i, (host, n)) in rows.iter().enumerate() {
        let y = row * i as f64;
        let host: String = host.chars().take(32).collect();
        let bw = room * *n as f64 / max;
        svg.push_str(&format!(
            r#"<text x="0" y="{:.1}" fill="currentColor" font-size="13">{}</text><rect class="bar-threads" x="{label}" y="{:.1}" width="{bw:.1}" height="{:.1}"/><text x="{:.1}" y="{:.1}" fill="currentColor" font-size="13">{n}</text>"#,
            y + 16.0,
            crate::html::escape(&host),
            y + 4.0,
            row - 8.0,
            label + bw + 6.0,
            y + 16.0,
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
    /// The queue as a chart (empty when nothing waits).
    queue_chart: String,
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
        queue_chart: if f.queue.iter().any(|q| q.pending > 0) {
            queue_bars(&f.queue, &v.t("admin-dashboard-queue"))
        } else {
            String::new()
        },
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

    #[test]
    fn the_queue_chart_names_each_server_most_waiting_first() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let server = |host: &str, pending: i64| InstanceQueue {
            host: host.into(),
            pending,
            oldest_pending: None,
            last_success_at: None,
            last_error: None,
            last_error_at: None,
            failures: 0,
            unreachable: false,
            next_attempt_at: at,
        };
        let mut queue = vec![server("a.example", 3), server("<b>.example", 40)];
        let svg = queue_bars(&queue, "File d'attente");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.find("&lt;b&gt;.example").unwrap() < svg.find("a.example").unwrap());
        assert!(svg.contains(r#"aria-label="File d&#39;attente""#), "{svg}");
        queue.extend((0..30).map(|i| server(&format!("s{i}.example"), 1)));
        assert_eq!(
            queue_bars(&queue, "q").matches("<rect").count(),
            QUEUE_CHART_SERVERS
        );
    }
}
