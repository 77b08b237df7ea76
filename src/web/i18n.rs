//! Translations (Fluent): French and English, chosen from the `lang` cookie or the browser's
//! `Accept-Language`. Every word of the interface comes from `locales/*.ftl`.

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use std::collections::HashMap;
use unic_langid::LanguageIdentifier;

/// Languages of the interface; the first is the default.
pub const LANGUAGES: &[&str] = &["fr", "en"];

const SOURCES: &[(&str, &str)] = &[
    ("fr", include_str!("../../locales/fr.ftl")),
    ("en", include_str!("../../locales/en.ftl")),
];

/// All bundles, built once at start-up.
pub struct I18n {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

impl Default for I18n {
    fn default() -> Self {
        let mut bundles = HashMap::new();
        for (lang, source) in SOURCES {
            let id: LanguageIdentifier = lang.parse().expect("valid language id");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // no Unicode isolation marks around arguments: they show as boxes in some fonts
            bundle.set_use_isolating(false);
            let resource = FluentResource::try_new(source.to_string())
                .unwrap_or_else(|(_, errors)| panic!("locales/{lang}.ftl: {errors:?}"));
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("locales/{lang}.ftl: {errors:?}"));
            bundles.insert(*lang, bundle);
        }
        I18n { bundles }
    }
}

impl I18n {
    /// The message `key` in `lang`, with `args`; falls back to English, then to the key.
    pub fn message(&self, lang: &str, key: &str, args: &[(&str, FluentValue)]) -> String {
        for l in [lang, "en"] {
            let Some(bundle) = self.bundles.get(l) else {
                continue;
            };
            let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
                continue;
            };
            let mut fargs = FluentArgs::new();
            for (k, v) in args {
                fargs.set(*k, v.clone());
            }
            let mut errors = vec![];
            return bundle
                .format_pattern(pattern, Some(&fargs), &mut errors)
                .into_owned();
        }
        key.to_string()
    }

    /// Whether a key exists in every language (used by the tests).
    pub fn has(&self, lang: &str, key: &str) -> bool {
        self.bundles
            .get(lang)
            .is_some_and(|b| b.get_message(key).is_some())
    }
}

/// A date and time in words of `lang`, such as "3 mars 2025 à 14:05" (UTC).
pub fn format_datetime(i18n: &I18n, lang: &str, at: &chrono::NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    let month = i18n.message(lang, &format!("month-{}", at.month()), &[]);
    let time = format!("{:02}:{:02}", at.hour(), at.minute());
    i18n.message(
        lang,
        "date-time",
        &[
            ("day", FluentValue::from(at.day() as i64)),
            ("month", FluentValue::from(month)),
            ("year", FluentValue::from(at.year().to_string())),
            ("time", FluentValue::from(time)),
        ],
    )
}

/// A day as people read it ("3 décembre 2026", "3 December 2026").
pub fn format_date(i18n: &I18n, lang: &str, day: &chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let month = i18n.message(lang, &format!("month-{}", day.month()), &[]);
    i18n.message(
        lang,
        "date-day",
        &[
            ("day", FluentValue::from(day.day() as i64)),
            ("month", FluentValue::from(month)),
            ("year", FluentValue::from(day.year().to_string())),
        ],
    )
}

/// The interface language for a request: the `lang` cookie if valid, else the first supported
/// language in `Accept-Language`, else French.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> &'static str {
    if let Some(c) = cookie
        && let Some(l) = LANGUAGES.iter().find(|l| **l == c)
    {
        return l;
    }
    if let Some(header) = accept_language {
        let mut prefs: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(";q=");
                let tag = it.next()?.trim();
                let q = it.next().and_then(|q| q.parse().ok()).unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        prefs.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        for (_, tag) in prefs {
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            if let Some(l) = LANGUAGES.iter().find(|l| **l == primary) {
                return l;
            }
        }
    }
    LANGUAGES[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_is_negotiated() {
        assert_eq!(negotiate(Some("en"), Some("fr")), "en");
        assert_eq!(negotiate(Some("xx"), Some("en-GB,en;q=0.9,fr;q=0.8")), "en");
        assert_eq!(negotiate(None, Some("de, fr;q=0.5, en;q=0.4")), "fr");
        assert_eq!(negotiate(None, None), "fr");
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let keys = |src: &str| -> Vec<String> {
            src.lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap().to_string())
                .collect()
        };
        let fr = keys(SOURCES[0].1);
        let en = keys(SOURCES[1].1);
        for k in &fr {
            assert!(en.contains(k), "{k} missing in en.ftl");
        }
        for k in &en {
            assert!(fr.contains(k), "{k} missing in fr.ftl");
        }
        let i18n = I18n::default();
        assert_eq!(i18n.message("fr", "nav-home", &[]), "Accueil");
    }

    #[test]
    fn dates_are_written_per_language() {
        let i18n = I18n::default();
        let at = chrono::NaiveDate::from_ymd_opt(2025, 3, 4)
            .unwrap()
            .and_hms_opt(14, 5, 0)
            .unwrap();
        assert_eq!(format_datetime(&i18n, "fr", &at), "4 mars 2025 à 14:05 UTC");
        assert_eq!(
            format_datetime(&i18n, "en", &at),
            "4 March 2025 at 14:05 UTC"
        );
    }
}
