//! The client's address when Lantern sits behind a reverse proxy. Sign-in throttling and the audit
//! trail count by address, and behind a proxy every connection comes from the proxy. A proxy Lantern
//! trusts appends the address it saw to `X-Forwarded-For`; the header from anyone else is ignored,
//! since a client can write any header it likes.

use axum::http::HeaderMap;
use std::net::IpAddr;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[IpAddr]>);

impl TrustedProxies {
    pub fn new(proxies: impl IntoIterator<Item = IpAddr>) -> Self {
        Self(proxies.into_iter().collect())
    }

    /// The address of the person at the other end: `peer` itself unless it is a trusted proxy, else the
    /// nearest address in `X-Forwarded-For` (read from the right) that is not a trusted proxy.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer;
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.into_iter().rev() {
            if !self.0.contains(&client) {
                break;
            }
            // A hop that is not an address ends the trusted chain: the last proxy's word is kept.
            match hop.parse() {
                Ok(address) => client = address,
                Err(_) => break,
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).expect("header"));
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn only_a_trusted_proxy_is_believed() {
        let proxies = TrustedProxies::new([ip("127.0.0.1"), ip("10.0.0.2")]);
        let spoofed = forwarded(&["198.51.100.1"]);
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &spoofed),
            ip("203.0.113.9"),
            "not a proxy: header ignored"
        );
        assert_eq!(proxies.client(ip("127.0.0.1"), &forwarded(&[])), ip("127.0.0.1"), "no header: the proxy");
        assert_eq!(proxies.client(ip("127.0.0.1"), &spoofed), ip("198.51.100.1"));
        // A client's own header comes first; the proxies append what they saw after it.
        let chain = forwarded(&["198.51.100.1, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &chain), ip("203.0.113.9"));
        let junk = forwarded(&["not-an-address"]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &junk), ip("127.0.0.1"));
        assert_eq!(TrustedProxies::default().client(ip("127.0.0.1"), &spoofed), ip("127.0.0.1"));
    }
}
