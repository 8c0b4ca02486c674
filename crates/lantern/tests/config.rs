//! `lantern config check` explains the settings `serve` would start with, and `serve` refuses the same
//! unsafe combinations before it touches any database.

mod support;

use std::path::Path;
use support::*;

#[test]
fn each_setting_is_shown_with_where_it_came_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "lantern.db");
    let printed = ok_with(&["config", "check", "--database", &db], &[("LANTERN_LISTEN", "127.0.0.1:9090")]);
    assert!(printed.contains(&format!("sqlite://{db}  (--database)")), "{printed}");
    assert!(printed.contains("127.0.0.1:9090  (LANTERN_LISTEN)"), "{printed}");
    assert!(printed.contains("off  (default)"), "{printed}");
    assert!(printed.contains("safe to serve"), "{printed}");
    assert!(!Path::new(&db).exists(), "checking creates no database");
}

#[test]
fn plain_http_beyond_this_computer_is_refused_by_check_and_by_serve() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "lantern.db");
    let output = lantern(&["config", "check", "--database", &db, "--listen", "0.0.0.0:8080"]);
    assert!(!output.status.success());
    assert!(text(&output.stdout).contains("REFUSED listen: refusing to listen on 0.0.0.0:8080"));
    assert!(text(&output.stderr).contains("1 setting(s) refused"), "{}", text(&output.stderr));
    ok(&["config", "check", "--database", &db, "--listen", "0.0.0.0:8080", "--secure-cookies"]);

    let stderr = refused(&["serve", "--database", &db, "--listen", "0.0.0.0:8080"]);
    assert!(stderr.contains("over plain HTTP"), "{stderr}");
    assert!(!Path::new(&db).exists(), "serve refused before opening the database");
}

#[test]
fn postgres_passwords_stay_off_the_command_line_and_remote_servers_need_tls() {
    let in_process_list = "postgres://lantern:hunter2@127.0.0.1:1/lantern";
    let stderr = refused(&["serve", "--database", in_process_list]);
    assert!(stderr.contains("process list"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "the refusal does not repeat the password: {stderr}");
    let printed = ok_with(&["config", "check"], &[("LANTERN_DATABASE", in_process_list)]);
    assert!(printed.contains("(LANTERN_DATABASE)") && !printed.contains("hunter2"), "{printed}");

    let output = lantern(&["config", "check", "--database", "postgres://lantern@db.example.nhs.uk/lantern"]);
    assert!(!output.status.success());
    assert!(text(&output.stdout).contains("sslmode=prefer"), "{}", text(&output.stdout));
    let verified = "postgres://lantern@db.example.nhs.uk/lantern?sslmode=verify-full";
    assert!(ok(&["config", "check", "--database", verified]).contains("safe to serve"));
}

#[test]
fn a_database_folder_that_does_not_exist_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(&dir.path().join("missing"), "lantern.db");
    let output = lantern(&["config", "check", "--database", &db]);
    assert!(!output.status.success());
    assert!(text(&output.stdout).contains("does not exist"), "{}", text(&output.stdout));
}

#[test]
fn cis2_sign_in_is_explained_and_an_unsafe_provider_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = path(dir.path(), "lantern.db");
    let key = concat!(env!("CARGO_MANIFEST_DIR"), "/../oidc-test-issuer/keys/client.pem");
    let provider = |issuer: &'static str, key: &'static str| {
        vec![
            "--oidc-issuer",
            issuer,
            "--oidc-client-id",
            "lantern",
            "--oidc-private-key",
            key,
            "--oidc-redirect-url",
            "https://lantern.example.nhs.uk/sign-in/oidc/callback",
        ]
    };
    let mut good = vec!["config", "check", "--database", &db];
    good.extend(provider("https://cis2.example.nhs.uk/realms/Healthcare", key));
    let printed = ok(&good);
    assert!(printed.contains("oidc-issuer") && printed.contains("R8008=practice_lead"), "{printed}");

    let mut plain = vec!["config", "check", "--database", &db];
    plain.extend(provider("http://cis2.example.nhs.uk", key));
    let output = lantern(&plain);
    assert!(!output.status.success());
    assert!(text(&output.stdout).contains("REFUSED oidc: the issuer http://cis2.example.nhs.uk is not HTTPS"));

    let mut keyless = vec!["serve", "--database", &db];
    keyless.extend(provider("https://cis2.example.nhs.uk", "/no/such/key.pem"));
    assert!(refused(&keyless).contains("cannot read the private key"));
    let stderr = refused(&["serve", "--database", &db, "--no-local-passwords"]);
    assert!(stderr.contains("nobody could sign in"), "{stderr}");
    assert!(!Path::new(&db).exists(), "serve refused before opening the database");
}
