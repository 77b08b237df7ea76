//! Account pages: sign up, log in, log out, change password.

use super::RegistrationInput;
use crate::{
    config::RegistrationMode,
    error::AppError,
    web::{
        CsrfForm, Ctx, FieldErrors, SignedIn, Visitor, WebResult, html, html_status, see_other,
        session::{self, SESSION_COOKIE},
    },
};
use askama::Template;
use axum::{
    Router,
    extract::Query,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

pub fn routes() -> Router {
    Router::new()
        .route("/register", get(register_form).post(register))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route(
            "/settings/password",
            get(password_form).post(change_password),
        )
        .route("/settings/data", get(data_page))
        .route("/settings/data/archive.zip", get(archive))
        .route("/settings/delete-account", post(delete_account))
        .route("/goodbye", get(goodbye))
}

#[derive(Template)]
#[template(path = "accounts/data.html")]
struct DataPage {
    ctx: Ctx,
    errors: FieldErrors,
}

async fn data_page(s: SignedIn) -> WebResult {
    html(DataPage {
        ctx: s.visitor.page("data-title"),
        errors: FieldErrors::default(),
    })
}

/// The member's data as a zip file.
async fn archive(s: SignedIn) -> WebResult {
    let bytes = super::data::archive(&s.visitor.data, &s.member).await?;
    let name = format!(
        "attachment; filename=\"passerelle-{}.zip\"",
        s.member.actor.username
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/zip".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DeleteForm {
    password: String,
}

async fn delete_account(
    s: SignedIn,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> WebResult {
    let v = &s.visitor;
    let result = super::data::delete_account(&v.data, &s.member, &form.password).await;
    match v.form_errors(result, &["password"])? {
        Ok(()) => Ok((
            jar.remove(session::removal(SESSION_COOKIE)),
            see_other("/goodbye"),
        )
            .into_response()),
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            DataPage {
                ctx: v.page("data-title"),
                errors,
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "accounts/goodbye.html")]
struct GoodbyePage {
    ctx: Ctx,
}

async fn goodbye(v: Visitor) -> WebResult {
    html(GoodbyePage {
        ctx: v.page("account-deleted"),
    })
}

/// What the sign-up form sends (and shows again after an error, without the password).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub username: String,
    pub password: String,
    pub email: String,
    pub invitation: String,
}

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    ctx: Ctx,
    mode: RegistrationMode,
    form: RegisterForm,
    errors: FieldErrors,
}

impl RegisterPage {
    fn invite_only(&self) -> bool {
        self.mode == RegistrationMode::InviteOnly
    }
    fn closed(&self) -> bool {
        self.mode == RegistrationMode::Closed
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InvitationQuery {
    code: String,
}

async fn register_form(v: Visitor, Query(q): Query<InvitationQuery>) -> WebResult {
    if v.member.is_some() {
        return Ok(see_other("/"));
    }
    html(RegisterPage {
        ctx: v.page("register-title"),
        mode: v.data.config.instance.registration,
        form: RegisterForm {
            invitation: q.code,
            ..Default::default()
        },
        errors: FieldErrors::default(),
    })
}

async fn register(
    v: Visitor,
    jar: CookieJar,
    CsrfForm(mut form): CsrfForm<RegisterForm>,
) -> WebResult {
    let input = RegistrationInput {
        username: form.username.clone(),
        password: std::mem::take(&mut form.password),
        email: Some(form.email.clone()),
        invitation: Some(form.invitation.clone()),
    };
    let shown = ["username", "password", "email", "invitation"];
    match v.form_errors(super::register(&v.data, input).await, &shown)? {
        Ok(member) => {
            let token = super::create_session(&v.data, member.account.id).await?;
            let jar = jar.add(session::cookie(&v.data, SESSION_COOKIE, token));
            Ok((jar, see_other("/")).into_response())
        }
        Err(errors) => html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            RegisterPage {
                ctx: v.page("register-title"),
                mode: v.data.config.instance.registration,
                form,
                errors,
            },
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    /// Where to go once signed in (a local path).
    pub next: String,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    ctx: Ctx,
    form: LoginForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NextQuery {
    next: String,
}

async fn login_form(v: Visitor, Query(q): Query<NextQuery>) -> WebResult {
    let next = session::local_path(Some(&q.next));
    if v.member.is_some() {
        return Ok(see_other(&next));
    }
    html(LoginPage {
        ctx: v.page("login-title"),
        form: LoginForm {
            next,
            ..Default::default()
        },
        errors: FieldErrors::default(),
    })
}

async fn login(v: Visitor, jar: CookieJar, CsrfForm(mut form): CsrfForm<LoginForm>) -> WebResult {
    let password = std::mem::take(&mut form.password);
    let (status, key) = match super::login(&v.data, &form.username, &password).await {
        Ok(member) => {
            let token = super::create_session(&v.data, member.account.id).await?;
            let jar = jar.add(session::cookie(&v.data, SESSION_COOKIE, token));
            return Ok((jar, see_other(&session::local_path(Some(&form.next)))).into_response());
        }
        Err(AppError::Unauthorized(_)) => (StatusCode::UNAUTHORIZED, "login-error-wrong"),
        Err(AppError::Forbidden(_)) => (StatusCode::FORBIDDEN, "login-error-suspended"),
        Err(e) => return Err(e.into()),
    };
    html_status(
        status,
        LoginPage {
            errors: FieldErrors::general(v.t(key)),
            ctx: v.page("login-title"),
            form,
        },
    )
}

#[derive(Deserialize)]
struct Empty {}

async fn logout(s: SignedIn, jar: CookieJar, CsrfForm(_): CsrfForm<Empty>) -> WebResult {
    if let Some(token) = &s.visitor.session {
        super::end_session(&s.visitor.data, token).await?;
    }
    Ok((jar.remove(session::removal(SESSION_COOKIE)), see_other("/")).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
}

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    ctx: Ctx,
    saved: bool,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SavedQuery {
    saved: Option<String>,
}

async fn password_form(s: SignedIn, Query(q): Query<SavedQuery>) -> WebResult {
    html(PasswordPage {
        ctx: s.visitor.page("password-title"),
        saved: q.saved.is_some(),
        errors: FieldErrors::default(),
    })
}

async fn change_password(s: SignedIn, CsrfForm(form): CsrfForm<PasswordForm>) -> WebResult {
    let v = &s.visitor;
    let result = if form.new_password != form.new_password_confirm {
        Err(AppError::invalid(
            "new_password_confirm",
            "mismatch",
            "The two new passwords differ.",
        ))
    } else {
        let (current, new) = (&form.current_password, &form.new_password);
        super::change_password(&v.data, &s.member, current, new, v.session.clone()).await
    };
    let shown = ["current_password", "new_password", "new_password_confirm"];
    match v.form_errors(result, &shown)? {
        Ok(()) => Ok(see_other("/settings/password?saved=1")),
        Err(errors) => password_error(v, errors),
    }
}

fn password_error(v: &Visitor, errors: FieldErrors) -> WebResult<Response> {
    html_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        PasswordPage {
            ctx: v.page("password-title"),
            saved: false,
            errors,
        },
    )
}
