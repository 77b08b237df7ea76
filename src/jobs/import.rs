//! `passerelle jobs import FILE --organisation HANDLE`: job offers from a JSON or CSV file.
//!
//! Every row is checked first, with the same rules as the offer form; if any row is refused
//! nothing is imported and the report names each refused row and why. Otherwise all rows are
//! written in one transaction (as drafts, or published with `--publish`, which sends them to
//! the organisation's followers and sharing partners like any published offer).
//!
//! JSON: a list of objects with the fields of the API's `JobInput` (or `{"offers": [...]}`).
//! CSV: a header row naming those fields; lists (`required_skills`, `nice_to_have_skills`,
//! `languages`) separated by `;` or `|`; booleans as `true`/`false`, `yes`/`no`, `1`/`0`.

use super::{DRAFT, JobInput, PUBLISHED, ValidOffer, model};
use crate::{
    actors::{self, model::DbActor},
    db::now,
    error::{AppError, AppResult},
    federation::delivery,
    state::AppState,
};
use std::path::Path;

/// A row that cannot be imported: its number (from 1, the header not counted) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub row: usize,
    pub reasons: Vec<String>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default)]
pub struct Report {
    pub rows: usize,
    pub imported: usize,
    pub rejected: Vec<Rejected>,
    pub dry_run: bool,
}

/// Reads the offers of a file, by its extension (`.json` or `.csv`). Rows that cannot even be
/// read (a number that is not one) come back as rejected rows.
pub fn read_file(path: &Path) -> anyhow::Result<(Vec<JobInput>, Vec<Rejected>)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .as_deref()
    {
        Some("json") => read_json(&text),
        Some("csv") => read_csv(&text),
        _ => anyhow::bail!("{}: the file must end in .json or .csv", path.display()),
    }
}

fn read_json(text: &str) -> anyhow::Result<(Vec<JobInput>, Vec<Rejected>)> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| anyhow::anyhow!("the JSON cannot be read: {e}"))?;
    let rows = match value {
        serde_json::Value::Array(rows) => rows,
        serde_json::Value::Object(mut o) => match o.remove("offers") {
            Some(serde_json::Value::Array(rows)) => rows,
            _ => anyhow::bail!(
                "the JSON must be a list of offers, or an object with an \"offers\" list"
            ),
        },
        _ => anyhow::bail!("the JSON must be a list of offers"),
    };
    let mut offers = vec![];
    let mut rejected = vec![];
    for (i, row) in rows.into_iter().enumerate() {
        match serde_json::from_value::<JobInput>(row) {
            Ok(o) => offers.push(o),
            Err(e) => {
                rejected.push(Rejected {
                    row: i + 1,
                    reasons: vec![format!("cannot be read: {e}")],
                });
                offers.push(JobInput::default());
            }
        }
    }
    Ok((offers, rejected))
}

fn read_csv(text: &str) -> anyhow::Result<(Vec<JobInput>, Vec<Rejected>)> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| anyhow::anyhow!("the CSV header cannot be read: {e}"))?
        .clone();
    let known = [
        "title",
        "description",
        "contract_type",
        "working_time",
        "location",
        "remote",
        "salary_min",
        "salary_max",
        "salary_currency",
        "salary_period",
        "required_skills",
        "nice_to_have_skills",
        "experience_level",
        "open_without_diploma",
        "open_without_experience",
        "start_date",
        "closes_on",
        "languages",
        "how_to_apply",
    ];
    if let Some(h) = headers.iter().find(|h| !known.contains(h)) {
        anyhow::bail!(
            "unknown CSV column “{h}”; the columns are: {}",
            known.join(", ")
        );
    }
    let mut offers = vec![];
    let mut rejected = vec![];
    for (i, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                rejected.push(Rejected {
                    row: i + 1,
                    reasons: vec![format!("cannot be read: {e}")],
                });
                offers.push(JobInput::default());
                continue;
            }
        };
        let get = |name: &str| -> String {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|p| record.get(p))
                .unwrap_or("")
                .to_string()
        };
        let list = |name: &str| -> Vec<String> {
            get(name)
                .split([';', '|'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let mut reasons = vec![];
        let mut number = |name: &str| -> Option<i64> {
            let v = get(name);
            if v.is_empty() {
                return None;
            }
            v.parse().ok().or_else(|| {
                reasons.push(format!("{name}: “{v}” is not a whole number"));
                None
            })
        };
        let (salary_min, salary_max) = (number("salary_min"), number("salary_max"));
        let mut boolean = |name: &str| -> bool {
            match get(name).to_lowercase().as_str() {
                "" | "false" | "no" | "non" | "0" => false,
                "true" | "yes" | "oui" | "1" => true,
                other => {
                    reasons.push(format!("{name}: “{other}” is not true or false"));
                    false
                }
            }
        };
        let (open_without_diploma, open_without_experience) = (
            boolean("open_without_diploma"),
            boolean("open_without_experience"),
        );
        if !reasons.is_empty() {
            rejected.push(Rejected {
                row: i + 1,
                reasons,
            });
        }
        let some = |name: &str| Some(get(name)).filter(|s| !s.is_empty());
        offers.push(JobInput {
            title: get("title"),
            description: get("description").replace("\\n", "\n"),
            contract_type: get("contract_type"),
            working_time: get("working_time"),
            location: get("location"),
            remote: get("remote"),
            salary_min,
            salary_max,
            salary_currency: get("salary_currency"),
            salary_period: get("salary_period"),
            required_skills: list("required_skills"),
            nice_to_have_skills: list("nice_to_have_skills"),
            experience_level: get("experience_level"),
            open_without_diploma,
            open_without_experience,
            start_date: some("start_date"),
            closes_on: some("closes_on"),
            languages: list("languages"),
            how_to_apply: get("how_to_apply"),
        });
    }
    Ok((offers, rejected))
}

/// Checks every offer, then (unless `dry_run` or a row was refused) writes them all for the
/// organisation `handle` in one transaction. `progress` is called once per row checked.
pub async fn import(
    state: &AppState,
    handle: &str,
    offers: Vec<JobInput>,
    mut rejected: Vec<Rejected>,
    dry_run: bool,
    publish: bool,
    progress: impl Fn(),
) -> AppResult<Report> {
    let organisation: DbActor =
        actors::local_of_kind(state, handle.trim_start_matches('@'), "organization")
            .await
            .map_err(|_| {
                AppError::NotFound(format!("there is no organisation @{handle} on this server"))
            })?;
    let today = super::today();
    let rows = offers.len();
    let mut valid: Vec<ValidOffer> = Vec::with_capacity(rows);
    for (i, input) in offers.iter().enumerate() {
        progress();
        let row = i + 1;
        if rejected.iter().any(|r| r.row == row) {
            continue;
        }
        match input.validate(organisation.shown_name()) {
            Ok(v) if publish && v.fields.closes_on.is_some_and(|d| d < today) => {
                rejected.push(Rejected {
                    row,
                    reasons: vec!["closes_on: the closing date has passed".into()],
                });
            }
            Ok(v) => valid.push(v),
            Err(AppError::Invalid(fields)) => rejected.push(Rejected {
                row,
                reasons: fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect(),
            }),
            Err(e) => return Err(e),
        }
    }
    rejected.sort_by_key(|r| r.row);
    let mut report = Report {
        rows,
        imported: 0,
        rejected,
        dry_run,
    };
    if dry_run || !report.rejected.is_empty() {
        return Ok(report);
    }
    let s = state.clone();
    report.imported = state
        .db
        .write(move |c| {
            let at = now();
            let mut n = 0;
            for v in valid {
                let temp = format!("{}jobs/import-{}", s.base_url, uuid::Uuid::new_v4());
                let offer = model::insert(
                    c,
                    &model::NewOffer {
                        ap_id: temp.clone(),
                        organisation_id: organisation.id,
                        author_id: None,
                        local: true,
                        state: if publish { PUBLISHED } else { DRAFT }.into(),
                        url: temp,
                        published_at: publish.then_some(at),
                        created_at: at,
                    },
                    &v.fields,
                    &v.skills,
                )?;
                let offer = super::set_local_ids(c, &s.base_url, offer.id)?;
                if publish {
                    super::federation::send_offer(
                        c,
                        &s,
                        &organisation,
                        &offer,
                        super::federation::Send::Create,
                    )?;
                }
                n += 1;
            }
            Ok(n)
        })
        .await?;
    delivery::wake(state);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_read_with_their_lists_and_flags() {
        let csv = "title,description,contract_type,location,required_skills,open_without_diploma,salary_min,languages\n\
                   Cuisinier,Préparer les repas,permanent,Lyon,Cuisine; Hygiène,oui,1800,fr|en\n\
                   Plongeur,Laver,seasonal,Nice,,maybe,douze,fr\n";
        let (offers, rejected) = read_csv(csv).unwrap();
        assert_eq!(offers.len(), 2);
        assert_eq!(offers[0].required_skills, ["Cuisine", "Hygiène"]);
        assert!(offers[0].open_without_diploma);
        assert_eq!(offers[0].salary_min, Some(1800));
        assert_eq!(offers[0].languages, ["fr", "en"]);
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].row, 2);
        assert_eq!(rejected[0].reasons.len(), 2, "{:?}", rejected[0].reasons);
    }

    #[test]
    fn unknown_columns_and_bad_json_are_refused_whole() {
        assert!(read_csv("title,colour\nx,blue\n").is_err());
        assert!(read_json("{\"title\": 1}").is_err());
        let (offers, rejected) = read_json(r#"[{"title": "A"}, {"title": 3}]"#).unwrap();
        assert_eq!(offers.len(), 2);
        assert_eq!(
            rejected,
            [Rejected {
                row: 2,
                reasons: rejected[0].reasons.clone()
            }]
        );
    }
}
