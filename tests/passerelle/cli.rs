//! The `passerelle` command: configuration errors, user management, the delivery report.

use std::process::{Command, Output, Stdio};

fn passerelle(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_passerelle"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("PASSERELLE_CONFIG")
        .env("RUST_LOG", "error")
        .envs(env.iter().copied())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run passerelle");
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn invalid_configuration_names_the_key_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = passerelle(
        dir.path(),
        &["config", "check"],
        &[("PASSERELLE_SERVER__BIND", "nowhere")],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("server.bind"), "{}", text(&o));
    let path = dir.path().join("c.toml");
    std::fs::write(&path, "[federation]\nretry_max = \"soon\"\n").unwrap();
    let o = passerelle(
        dir.path(),
        &["--config", path.to_str().unwrap(), "config", "check"],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("federation.retry_max"), "{}", text(&o));
    let o = passerelle(dir.path(), &["config", "check"], &[], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("localhost:8080"));
}

#[test]
fn users_are_created_listed_and_given_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // embedded defaults: the database appears under ./data
    let o = passerelle(d, &["user", "create", "alice", "--admin"], &[], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("password: "),
        "a generated password is shown"
    );
    assert!(d.join("data/passerelle.db").exists());
    let o = passerelle(
        d,
        &["user", "create", "bob", "--password-stdin"],
        &[],
        Some("a long enough password\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("password: "));
    let o = passerelle(d, &["user", "create", "Alice"], &[], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("already taken"), "{}", text(&o));
    let o = passerelle(d, &["user", "create", "bad name"], &[], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("username"), "{}", text(&o));
    let o = passerelle(d, &["user", "list"], &[], None);
    let listing = text(&o);
    assert!(
        listing.contains("alice") && listing.contains("admin") && listing.contains("bob"),
        "{listing}"
    );
    let o = passerelle(
        d,
        &["user", "set-password", "BOB", "--password-stdin"],
        &[],
        Some("short\n"),
    );
    assert_eq!(o.status.code(), Some(1));
    let o = passerelle(
        d,
        &["user", "set-password", "BOB", "--password-stdin"],
        &[],
        Some("another long password\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = passerelle(d, &["user", "set-password", "nobody"], &[], None);
    assert_eq!(o.status.code(), Some(1));
    let o = passerelle(d, &["admin", "deliveries"], &[], None);
    assert!(o.status.success());
    assert!(text(&o).contains("no remote server"), "{}", text(&o));
    let o = passerelle(d, &["migrate"], &[], None);
    assert!(text(&o).contains("up to date"), "{}", text(&o));
}

#[test]
fn instance_rules_block_import_export_and_audit() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("PASSERELLE_DATABASE__URL", "sqlite://rules.db")];
    let run = |args: &[&str], stdin: Option<&str>| passerelle(dir.path(), args, &env, stdin);
    let o = run(
        &[
            "admin",
            "instances",
            "block",
            "Spam.Example",
            "--reason",
            "spam",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let csv = "#domain,#severity,#reject_media,#public_comment\n\
               loud.example,silence,false,too loud\n\
               friend.example,allow,,\n";
    let o = run(&["admin", "instances", "import", "-"], Some(csv));
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 rule(s) written"), "{}", text(&o));
    // a file with a bad line changes nothing and names the line
    let o = run(
        &["admin", "instances", "import", "-"],
        Some("#domain,#severity\nok.example,block\nnot a host,block\n"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("line 3"), "{}", text(&o));
    // a file whose first line does not name the columns says what it must be
    let o = run(
        &["admin", "instances", "import", "-"],
        Some("ok.example,block\n"),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("with at least #domain"), "{}", text(&o));
    let o = run(&["admin", "instances", "export"], None);
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        out.starts_with("#domain,#severity,#public_comment\n"),
        "{out}"
    );
    assert!(out.contains("spam.example,suspend,spam"), "{out}");
    assert!(out.contains("loud.example,silence,too loud"), "{out}");
    assert!(!out.contains("ok.example"), "{out}");
    let o = run(&["admin", "instances", "remove", "friend.example"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["admin", "instances", "remove", "friend.example"], None);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["admin", "reports", "list"], None);
    assert!(text(&o).contains("no reports"), "{}", text(&o));
    let o = run(&["admin", "reports", "resolve", "7", "nuke"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("dismiss, remove_content"), "{}", text(&o));
    let o = run(&["admin", "reports", "resolve", "7", "dismiss"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("report not found"), "{}", text(&o));
    let o = run(&["admin", "audit"], None);
    let log = text(&o);
    assert!(log.contains("instance.remove"), "{log}");
    assert!(log.contains("instance.block"), "{log}");
    assert!(log.contains("(command line)"), "{log}");
}

#[test]
fn email_settings_are_checked_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let o = passerelle(dir.path(), &["config", "check"], &[], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("emails:            off"), "{}", text(&o));
    let smtp = ("PASSERELLE_EMAIL__SMTP_HOST", "smtp.example.org");
    let o = passerelle(dir.path(), &["config", "check"], &[smtp], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("email.from"), "{}", text(&o));
    let from = ("PASSERELLE_EMAIL__FROM", "Réseau <no-reply@example.org>");
    let o = passerelle(
        dir.path(),
        &["config", "check"],
        &[smtp, from, ("PASSERELLE_EMAIL__USERNAME", "passerelle")],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("email.username and email.password"),
        "{}",
        text(&o)
    );
    let o = passerelle(dir.path(), &["config", "check"], &[smtp, from], None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("emails:            smtp.example.org:587 (Starttls)"),
        "{}",
        text(&o)
    );
}

#[test]
fn accounts_are_limited_suspended_and_lifted_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("PASSERELLE_DATABASE__URL", "sqlite://accounts.db")];
    let run = |args: &[&str]| passerelle(dir.path(), args, &env, None);
    let o = run(&["user", "create", "alice"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["admin", "accounts", "list"]);
    assert!(
        text(&o).contains("no suspended or limited account"),
        "{}",
        text(&o)
    );
    let o = run(&["admin", "accounts", "limit", "@alice", "--reason", "spam"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("limited"), "{}", text(&o));
    let o = run(&["admin", "accounts", "list"]);
    assert!(
        text(&o).contains("limited") && text(&o).contains("alice") && text(&o).contains("spam"),
        "{}",
        text(&o)
    );
    // a suspension replaces the limit; a suspended account is not limited
    let o = run(&[
        "admin",
        "accounts",
        "suspend",
        "alice",
        "--reason",
        "usurpation",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("suspended"), "{}", text(&o));
    let o = run(&["admin", "accounts", "limit", "alice"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("lift the suspension"), "{}", text(&o));
    let o = run(&["admin", "accounts", "lift", "alice"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["admin", "accounts", "lift", "alice"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("neither suspended nor limited"),
        "{}",
        text(&o)
    );
    let o = run(&["admin", "accounts", "suspend", "nobody@far.example"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).contains("no account @nobody@far.example"),
        "{}",
        text(&o)
    );
    let o = run(&["admin", "audit"]);
    let log = text(&o);
    for action in ["account.limit", "account.suspend", "account.lift"] {
        assert!(log.contains(action), "{action}: {log}");
    }
}
