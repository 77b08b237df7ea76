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
