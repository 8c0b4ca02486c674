//! Sign-in settings: NHS CIS2 through OpenID Connect, and whether passwords are accepted. `config
//! check` explains and checks them; `serve` refuses to start on what is refused here.

use crate::cli::SignInArgs;
use crate::settings::Finding;
use lantern_web::auth::oidc::{Oidc, OidcConfig, RoleMap, DEFAULT_ROLE_MAP};
use std::net::IpAddr;

fn refused(reason: impl Into<String>) -> Finding {
    Finding::Refused { setting: "oidc", reason: reason.into() }
}

/// HTTPS, or plain HTTP to this computer only (a test provider).
fn check_url(what: &str, raw: &str) -> Result<url::Url, Finding> {
    let url = url::Url::parse(raw).map_err(|e| refused(format!("the {what} {raw:?} is not a URL ({e})")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(host)) => host == "localhost",
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(refused(format!(
            "the {what} {raw} is not HTTPS: tokens and codes would cross the network readable by anyone on the way"
        ))),
    }
}

fn role_map(args: &SignInArgs) -> Result<RoleMap, Finding> {
    let Some(path) = &args.oidc_role_map else { return Ok(RoleMap::default_map()) };
    let text = std::fs::read_to_string(path)
        .map_err(|e| refused(format!("cannot read the role map {} ({e})", path.display())))?;
    RoleMap::parse(&text).map_err(|e| refused(format!("the role map {}: {e}", path.display())))
}

/// The provider's settings, whole and checked, or why they cannot be used. `None` without an issuer.
pub fn config(args: &SignInArgs) -> Result<Option<OidcConfig>, Finding> {
    let given = args.oidc_client_id.is_some()
        || args.oidc_private_key.is_some()
        || args.oidc_redirect_url.is_some()
        || args.oidc_key_id.is_some();
    let Some(issuer) = &args.oidc_issuer else {
        return if given {
            Err(refused("the other --oidc-* settings are given but --oidc-issuer is not"))
        } else {
            Ok(None)
        };
    };
    check_url("issuer", issuer)?;
    let client_id =
        args.oidc_client_id.clone().ok_or_else(|| refused("--oidc-issuer needs --oidc-client-id"))?;
    let redirect = args.oidc_redirect_url.clone().ok_or_else(|| {
        refused("--oidc-issuer needs --oidc-redirect-url (https://<this server>/sign-in/oidc/callback)")
    })?;
    if check_url("redirect URL", &redirect)?.path() != "/sign-in/oidc/callback" {
        return Err(refused(format!("the redirect URL {redirect} must end in /sign-in/oidc/callback")));
    }
    let path =
        args.oidc_private_key.clone().ok_or_else(|| refused("--oidc-issuer needs --oidc-private-key"))?;
    let private_key_pem = std::fs::read(&path)
        .map_err(|e| refused(format!("cannot read the private key {} ({e})", path.display())))?;
    if !args.oidc_scopes.split_whitespace().any(|s| s == "openid") {
        return Err(refused("--oidc-scopes must include openid"));
    }
    Ok(Some(OidcConfig {
        issuer: issuer.trim_end_matches('/').to_owned(),
        client_id,
        private_key_pem,
        key_id: args.oidc_key_id.clone(),
        redirect_url: redirect,
        scopes: args.oidc_scopes.clone(),
        roles: role_map(args)?,
    }))
}

/// The provider to serve with, its key already read as an RSA key.
pub fn provider(args: &SignInArgs) -> Result<Option<Oidc>, Finding> {
    match config(args)? {
        None => Ok(None),
        Some(config) => Oidc::new(config).map(Some).map_err(|e| refused(e.to_string())),
    }
}

pub fn findings(args: &SignInArgs) -> Vec<Finding> {
    let mut found = Vec::new();
    let provider = provider(args);
    let has_provider = matches!(provider, Ok(Some(_)));
    if let Err(finding) = provider {
        found.push(finding);
    }
    if !args.local_passwords() && !has_provider {
        found.push(Finding::Refused {
            setting: "local-passwords",
            reason: "passwords are switched off and no working --oidc-issuer is set: nobody could sign in"
                .into(),
        });
    }
    found
}

/// Lines for `config check`: name, value, source (flag or variable) and meaning.
pub fn describe(args: &SignInArgs) -> Vec<[String; 4]> {
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "not set".into());
    let table = match role_map(args) {
        Ok(map) => {
            map.entries().map(|(code, role)| format!("{code}={}", role.code())).collect::<Vec<_>>().join(", ")
        }
        Err(_) => "unreadable (see below)".into(),
    };
    let role_source = match &args.oidc_role_map {
        Some(path) => path.display().to_string(),
        None => "built-in".into(),
    };
    vec![
        [
            "oidc-issuer".into(),
            or_none(&args.oidc_issuer),
            "--oidc-issuer / LANTERN_OIDC_ISSUER".into(),
            "the NHS CIS2 (OpenID Connect) provider people sign in through; not set: passwords only".into(),
        ],
        [
            "oidc-client-id".into(),
            or_none(&args.oidc_client_id),
            "--oidc-client-id / LANTERN_OIDC_CLIENT_ID".into(),
            "this Lantern's client id at the provider".into(),
        ],
        [
            "oidc-private-key".into(),
            args.oidc_private_key.as_ref().map_or("not set".into(), |p| p.display().to_string()),
            "--oidc-private-key / LANTERN_OIDC_PRIVATE_KEY".into(),
            "the RSA key (PEM) that signs client assertions (private_key_jwt, RS512); its public half is \
             registered with the provider"
                .into(),
        ],
        [
            "oidc-redirect-url".into(),
            or_none(&args.oidc_redirect_url),
            "--oidc-redirect-url / LANTERN_OIDC_REDIRECT_URL".into(),
            "where the provider sends people back, exactly as registered".into(),
        ],
        [
            "oidc-scopes".into(),
            args.oidc_scopes.clone(),
            "--oidc-scopes / LANTERN_OIDC_SCOPES".into(),
            "what is asked of the provider: CIS2 sends roles only for nationalrbacaccess and selectedrole".into(),
        ],
        [
            "oidc-role-map".into(),
            table,
            role_source,
            format!(
                "national RBAC role -> Lantern role; an unlisted role cannot sign in, and every first sign-in \
                 waits for a lead's approval. The built-in table:\n{DEFAULT_ROLE_MAP}"
            ),
        ],
        [
            "local-passwords".into(),
            if args.local_passwords() { "on" } else { "off" }.into(),
            "--no-local-passwords / LANTERN_LOCAL_PASSWORDS=off".into(),
            "whether Lantern usernames and passwords are accepted besides the provider".into(),
        ],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: SignInArgs,
    }

    fn args(extra: &[&str]) -> SignInArgs {
        Wrapper::parse_from(std::iter::once("lantern").chain(extra.iter().copied())).args
    }

    fn key_file() -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), oidc_test_issuer_key()).expect("write key");
        file
    }

    /// A real RSA key, the test provider's client key.
    fn oidc_test_issuer_key() -> &'static [u8] {
        include_bytes!("../../oidc-test-issuer/keys/client.pem")
    }

    fn settings(issuer: &str, key: &str) -> SignInArgs {
        args(&[
            "--oidc-issuer",
            issuer,
            "--oidc-client-id",
            "lantern",
            "--oidc-private-key",
            key,
            "--oidc-redirect-url",
            "https://lantern.example.nhs.uk/sign-in/oidc/callback",
        ])
    }

    #[test]
    fn an_issuer_is_https_unless_on_this_computer() {
        let key = key_file();
        let path = key.path().to_str().expect("path");
        assert!(findings(&settings("https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare", path)).is_empty());
        assert!(findings(&settings("http://127.0.0.1:9000", path)).is_empty());
        let plain = findings(&settings("http://cis2.example.nhs.uk", path));
        assert_eq!(plain.len(), 1, "{plain:?}");
        assert!(plain[0].to_string().contains("not HTTPS"), "{}", plain[0]);
    }

    #[test]
    fn a_missing_or_unusable_key_is_refused() {
        let missing = findings(&settings("https://cis2.example.nhs.uk", "/no/such/key.pem"));
        assert!(missing[0].to_string().contains("cannot read the private key"), "{missing:?}");
        let junk = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(junk.path(), b"not a key").expect("write");
        let unusable =
            findings(&settings("https://cis2.example.nhs.uk", junk.path().to_str().expect("path")));
        assert!(unusable[0].to_string().contains("RSA private key"), "{unusable:?}");
    }

    #[test]
    fn passwords_off_needs_a_provider() {
        assert!(findings(&args(&[])).is_empty(), "passwords only, the default, is fine");
        let off = findings(&args(&["--no-local-passwords"]));
        assert!(off.iter().any(|f| f.to_string().contains("nobody could sign in")), "{off:?}");
        let partial = findings(&args(&["--oidc-client-id", "x"]));
        assert!(partial[0].is_refusal(), "{partial:?}");
    }
}
