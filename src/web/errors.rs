//! Errors in the HTML interface: field errors shown next to their input, in the visitor's
//! language, and whole-page errors rendered by [`super::web_layer`] with the normal layout.

use crate::{
    error::{AppError, FieldError},
    web::i18n::I18n,
};
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use fluent_bundle::FluentValue;

/// What a page handler can fail with. Turned into an error page in the visitor's language.
#[derive(Debug)]
pub enum WebError {
    App(AppError),
    /// A form without the right CSRF token (too old, or sent from another site).
    Csrf,
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError::App(e)
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::App(AppError::Internal(anyhow::anyhow!("template: {e}")))
    }
}

pub type WebResult<T = Response> = Result<T, WebError>;

/// Left in the response extensions by [`WebError`]; [`super::web_layer`] renders the page.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    /// Key suffix of the title and text in the locales: the status code, or `csrf`.
    pub kind: String,
    /// A technical detail worth showing (which server did not answer…), in English.
    pub detail: Option<String>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let page = match self {
            WebError::Csrf => ErrorPage {
                status: StatusCode::FORBIDDEN,
                kind: "csrf".into(),
                detail: None,
            },
            WebError::App(e) => {
                if let AppError::Internal(inner) = &e {
                    tracing::error!("internal error: {inner:#}");
                }
                let status = e.status();
                let detail = matches!(e, AppError::Federation(_)).then(|| e.public_message());
                ErrorPage {
                    status,
                    kind: status.as_u16().to_string(),
                    detail,
                }
            }
        };
        let mut response = (page.status, page.status.to_string()).into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// Limits quoted by field error messages, passed to every translation.
fn limits() -> [(&'static str, FluentValue<'static>); 5] {
    [
        (
            "password_min",
            (crate::accounts::MIN_PASSWORD_CHARS as i64).into(),
        ),
        (
            "username_max",
            (crate::accounts::MAX_USERNAME_CHARS as i64).into(),
        ),
        (
            "name_max",
            (crate::profiles::MAX_DISPLAY_NAME as i64).into(),
        ),
        ("bio_max", (crate::profiles::MAX_BIO as i64).into()),
        ("post_max", (crate::posts::MAX_POST_CHARS as i64).into()),
    ]
}

/// Field errors translated for one form. Errors about fields the form does not show are kept
/// as general errors, shown at the top of the form.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    fields: Vec<(String, String)>,
    general: Vec<String>,
}

impl FieldErrors {
    /// Translates `errors` (key `error-<field>-<code>`, falling back to the English message);
    /// `shown` lists the fields the form has.
    pub fn new(i18n: &I18n, lang: &str, errors: &[FieldError], shown: &[&str]) -> FieldErrors {
        let mut out = FieldErrors::default();
        for e in errors {
            let key = format!("error-{}-{}", e.field, e.code).replace('_', "-");
            let text = if i18n.has(lang, &key) {
                let mut args: Vec<(&str, FluentValue)> = limits().into();
                args.extend(e.args.iter().map(|(n, v)| (*n, v.as_str().into())));
                i18n.message(lang, &key, &args)
            } else {
                e.message.clone()
            };
            if shown.contains(&e.field.as_str()) {
                out.fields.push((e.field.clone(), text));
            } else {
                out.general.push(text);
            }
        }
        out
    }

    /// One error for the whole form (wrong password, closed registration…).
    pub fn general(text: String) -> FieldErrors {
        FieldErrors {
            fields: vec![],
            general: vec![text],
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, t)| t.as_str())
    }

    /// Every error about `field` (an imported file can have one per line).
    pub fn all(&self, field: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, t)| t.as_str())
            .collect()
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn general_errors(&self) -> &[String] {
        &self.general
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    /// The `aria-describedby` value of an input: its hint and its error, when present.
    pub fn described_by(&self, field: &str, has_hint: bool) -> String {
        let mut ids = vec![];
        if has_hint {
            ids.push(format!("{field}-hint"));
        }
        if self.has(field) {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    }
}

/// Splits a domain result for a form handler: field errors to show on the form again, or any
/// other error for the error page.
pub fn form_errors<T>(
    result: Result<T, AppError>,
    i18n: &I18n,
    lang: &str,
    shown: &[&str],
) -> Result<Result<T, FieldErrors>, WebError> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(AppError::Invalid(fields)) => Ok(Err(FieldErrors::new(i18n, lang, &fields, shown))),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_are_translated_with_an_english_fallback() {
        let i18n = I18n::default();
        let errors = [
            FieldError::new("username", "taken", "This username is already taken."),
            FieldError::new("username", "no_such_code", "Some English sentence."),
            FieldError::new("other", "x", "Elsewhere."),
        ];
        let e = FieldErrors::new(&i18n, "fr", &errors, &["username"]);
        assert!(e.get("username").unwrap().contains("déjà"));
        assert_eq!(e.general_errors(), ["Elsewhere."]);
        assert_eq!(
            e.described_by("username", true),
            "username-hint username-error"
        );
        assert_eq!(e.described_by("password", false), "");
    }
}
