//! Activity figures of a community for its managers: members over time, new members, threads
//! and replies per week, most active members — over the last [`WEEKS`] weeks.

use super::model;
use crate::{db::DbConn, error::AppResult};
use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use std::collections::HashMap;

/// How many weeks the figures cover.
pub const WEEKS: usize = 12;

/// One week of a community's life.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Week {
    /// First day of the week.
    pub start: chrono::NaiveDate,
    /// Members at the end of the week.
    pub members: i64,
    pub new_members: i64,
    pub threads: i64,
    pub replies: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Active {
    pub account: crate::api::AccountView,
    /// Threads and replies written over the period.
    pub posts: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub weeks: Vec<Week>,
    pub most_active: Vec<Active>,
}

/// The figures of `community` up to `now`.
pub fn figures(conn: &mut DbConn, community: i64, now: NaiveDateTime) -> AppResult<Figures> {
    let start = now - Duration::weeks(WEEKS as i64);
    let joins = model::join_dates(conn, community)?;
    let posts = model::activity_since(conn, community, start)?;
    let week_of = |at: NaiveDateTime| -> Option<usize> {
        (at >= start).then(|| (((at - start).num_days() / 7) as usize).min(WEEKS - 1))
    };
    let mut weeks: Vec<Week> = (0..WEEKS)
        .map(|i| {
            let begin = start + Duration::weeks(i as i64);
            let end = begin + Duration::weeks(1);
            Week {
                start: begin.date(),
                members: joins.iter().filter(|j| **j < end).count() as i64,
                new_members: 0,
                threads: 0,
                replies: 0,
            }
        })
        .collect();
    for j in &joins {
        if let Some(w) = week_of(*j) {
            weeks[w].new_members += 1;
        }
    }
    let mut by_author: HashMap<i64, i64> = HashMap::new();
    for (at, thread, author) in &posts {
        if let Some(w) = week_of(*at) {
            if thread.is_none() {
                weeks[w].threads += 1;
            } else {
                weeks[w].replies += 1;
            }
        }
        *by_author.entry(*author).or_default() += 1;
    }
    let mut top: Vec<(i64, i64)> = by_author.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut most_active = vec![];
    for (id, n) in top.into_iter().take(5) {
        if let Some(a) = crate::actors::model::by_id(conn, id)? {
            most_active.push(Active {
                account: (&a).into(),
                posts: n,
            });
        }
    }
    Ok(Figures { weeks, most_active })
}

/// The chart as SVG bars (threads and replies per week) and a line (members), sized for the
/// management page. Labels come from the page; figures are also shown as a table.
pub fn chart_svg(figures: &Figures, title: &str) -> String {
    let (w, h, pad) = (600.0_f64, 200.0_f64, 20.0_f64);
    let n = figures.weeks.len().max(1) as f64;
    let max_posts = figures
        .weeks
        .iter()
        .map(|x| x.threads + x.replies)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let max_members = figures
        .weeks
        .iter()
        .map(|x| x.members)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (w - 2.0 * pad) / n;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        crate::html::escape(title)
    );
    let mut line = vec![];
    for (i, week) in figures.weeks.iter().enumerate() {
        let x = pad + slot * i as f64;
        let th = (h - 2.0 * pad) * week.threads as f64 / max_posts;
        let rh = (h - 2.0 * pad) * week.replies as f64 / max_posts;
        let base = h - pad;
        svg.push_str(&format!(
            r#"<rect class="bar-threads" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
            x + 2.0,
            base - th,
            slot - 4.0,
            th
        ));
        svg.push_str(&format!(
            r#"<rect class="bar-replies" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
            x + 2.0,
            base - th - rh,
            slot - 4.0,
            rh
        ));
        let y = base - (h - 2.0 * pad) * week.members as f64 / max_members;
        line.push(format!("{:.1},{:.1}", x + slot / 2.0, y));
    }
    svg.push_str(&format!(
        r#"<polyline class="line-members" fill="none" points="{}"/></svg>"#,
        line.join(" ")
    ));
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_one_pair_of_bars_per_week() {
        let f = Figures {
            weeks: (0..WEEKS)
                .map(|i| Week {
                    start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    members: i as i64,
                    new_members: 1,
                    threads: 2,
                    replies: 3,
                })
                .collect(),
            most_active: vec![],
        };
        let svg = chart_svg(&f, "Activity <of> x");
        assert_eq!(svg.matches("bar-threads").count(), WEEKS);
        assert_eq!(svg.matches("bar-replies").count(), WEEKS);
        assert!(svg.contains("Activity &lt;of&gt; x"));
    }
}
