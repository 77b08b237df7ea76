//! The one error type of the application.
//!
//! Domain functions return [`AppError`]; the JSON API and the inbox turn it into a status code
//! and a stable error code with a sentence a person can act on, the web layer into a page.
//! Unexpected failures are `Internal`: logged in full, shown as a generic message.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// A problem with one input field: a stable `code` (translated by the web layer) and an
/// English sentence for API clients.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
    /// Values the translated sentence names (a line number, the value refused), by name.
    #[serde(skip)]
    #[schema(ignore)]
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
            args: vec![],
        }
    }

    /// Adds a value for the translated sentence (`{ $name }` in the locales).
    pub fn with_arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Absent, or not visible to the requester: secret things are "not found", never "forbidden".
    #[error("{0}")]
    NotFound(String),
    /// No valid session, token or HTTP signature.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// Input that fails validation, field by field.
    #[error("invalid input: {}", .0.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// A request or document that cannot be understood (malformed JSON, unknown activity).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A remote server failed or sent something unusable while we acted for a user.
    #[error("{0}")]
    Federation(String),
    #[error("{0}")]
    Unavailable(String),
    /// A rate limit was reached; `retry_after` seconds until the next request is accepted.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code, message)])
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(format!("{what} not found"))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Federation(_) => StatusCode::BAD_GATEWAY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::Federation(_) => "federation",
            AppError::Unavailable(_) => "unavailable",
            AppError::TooManyRequests { .. } => "rate_limited",
            AppError::Internal(_) => "internal",
        }
    }

    /// The sentence shown to people: the error's own text, except for internal errors whose
    /// details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(_) => {
                "Something went wrong on our side. Please try again in a moment.".into()
            }
            other => other.to_string(),
        }
    }
}

/// Body of every JSON error response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!("internal error: {e:#}");
        }
        let fields = match &self {
            AppError::Invalid(f) => f.clone(),
            _ => vec![],
        };
        let body = ErrorBody {
            error: self.code(),
            message: self.public_message(),
            fields,
        };
        let mut response = (self.status(), Json(body)).into_response();
        if let AppError::TooManyRequests { retry_after, .. } = self {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after.into());
        }
        response
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound("not found".into()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                AppError::Conflict(format!("already exists ({})", info.message()))
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(format!("the database is not reachable: {e}"))
    }
}

impl From<activitypub_federation::error::Error> for AppError {
    fn from(e: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as E;
        match e {
            E::NotFound => AppError::NotFound("not found".into()),
            E::ActivitySignatureInvalid => {
                AppError::Unauthorized("the HTTP signature is not valid".into())
            }
            E::ActivityBodyDigestInvalid => {
                AppError::Unauthorized("the Digest header does not match the body".into())
            }
            E::ParseReceivedActivity { err, .. } => {
                AppError::BadRequest(format!("the activity could not be read: {err}"))
            }
            E::UrlVerificationError(m) => AppError::BadRequest(format!("refused URL: {m}")),
            other => AppError::Federation(other.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<url::ParseError> for AppError {
    fn from(e: url::ParseError) -> Self {
        AppError::BadRequest(format!("invalid URL: {e}"))
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(e.into())
    }
}
