//! Taking a PostgreSQL URL apart without a URL library: its database name, and its password kept off
//! command lines.

/// The URL's parts: everything before the path, the path (the database name), and the query.
fn split(url: &str) -> (&str, &str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    match base[after_scheme..].find('/') {
        Some(slash) => (&base[..after_scheme + slash], &base[after_scheme + slash + 1..], query),
        None => (base, "", query),
    }
}

pub(super) fn database_name(url: &str) -> String {
    let (_, path, _) = split(url);
    let name = percent_decode(path);
    if name.is_empty() {
        // libpq's default: the database named after the user.
        url.parse::<sqlx::postgres::PgConnectOptions>()
            .map(|o| o.get_username().to_owned())
            .unwrap_or_default()
    } else {
        name
    }
}

pub(super) fn with_database(url: &str, name: &str) -> String {
    let (base, _, query) = split(url);
    match query {
        "" => format!("{base}/{name}"),
        query => format!("{base}/{name}?{query}"),
    }
}

fn userinfo(url: &str) -> Option<(usize, &str)> {
    let start = url.find("://")? + 3;
    let (authority, _, _) = split(url);
    let at = authority.rfind('@')?;
    (at > start).then(|| (start, &url[start..at]))
}

pub(super) fn password(url: &str) -> Option<String> {
    let (_, info) = userinfo(url)?;
    info.split_once(':').map(|(_, p)| percent_decode(p))
}

pub(super) fn without_password(url: &str) -> String {
    match userinfo(url) {
        Some((start, info)) => match info.split_once(':') {
            Some((user, _)) => format!("{}{user}{}", &url[..start], &url[start + info.len()..]),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_taken_apart_without_losing_options() {
        let url = "postgres://lantern:p%40ss@db.example:5433/practice?sslmode=require";
        assert_eq!(database_name(url), "practice");
        assert_eq!(
            with_database(url, "postgres"),
            "postgres://lantern:p%40ss@db.example:5433/postgres?sslmode=require"
        );
        assert_eq!(password(url).as_deref(), Some("p@ss"));
        assert_eq!(without_password(url), "postgres://lantern@db.example:5433/practice?sslmode=require");
        assert_eq!(without_password("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
        assert_eq!(password("postgres://127.0.0.1/x"), None);
        assert_eq!(with_database("postgres://h", "y"), "postgres://h/y");
    }
}
