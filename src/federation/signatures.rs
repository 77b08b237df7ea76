//! HTTP signatures (draft-cavage, RSA-SHA256), incoming and outgoing.
//!
//! Normalisation (which headers, in which order, the signing string, expiry) is done by
//! `http-signature-normalization`, the library `activitypub_federation` itself uses; only the
//! RSA step is done here, with aws-lc-rs, which signs 6× and verifies 15× faster than the pure-Rust
//! `rsa` crate inside the federation crate (see docs/benchmarks.md). Parsed keys are cached:
//! parsing a PEM costs about as much as a verification.

use aws_lc_rs::{
    encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der},
    rand::SystemRandom,
    rsa::{KeyPair, KeySize},
    signature::{self, KeyPair as _, ParsedPublicKey},
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use http::{HeaderMap, HeaderValue, header};
use http_signature_normalization::Config as SigConfig;
use sha2::{Digest, Sha256};
use std::{
    collections::BTreeMap,
    sync::{Arc, LazyLock},
    time::{Duration, SystemTime},
};
use url::Url;

/// How long a signature stays valid, and how far a sender's clock may be off. One hour, like the
/// federation crate: deliveries retried from a durable queue are re-signed anyway.
pub const SIGNATURE_VALIDITY: Duration = Duration::from_secs(3600);

/// A newly generated key pair, PEM-encoded as stored in `actors`.
pub struct GeneratedKeys {
    pub private_key_pem: String,
    pub public_key_pem: String,
}

/// Generates an RSA-2048 key pair for a new local actor.
pub fn generate_keys() -> anyhow::Result<GeneratedKeys> {
    let pair = KeyPair::generate(KeySize::Rsa2048)
        .map_err(|_| anyhow::anyhow!("RSA key generation failed"))?;
    let private: Pkcs8V1Der = pair
        .as_der()
        .map_err(|_| anyhow::anyhow!("cannot encode private key"))?;
    let public: PublicKeyX509Der = pair
        .public_key()
        .as_der()
        .map_err(|_| anyhow::anyhow!("cannot encode public key"))?;
    Ok(GeneratedKeys {
        private_key_pem: pem::encode(&pem::Pem::new("PRIVATE KEY", private.as_ref())),
        public_key_pem: pem::encode(&pem::Pem::new("PUBLIC KEY", public.as_ref())),
    })
}

/// A local actor's parsed private key with its key id, ready to sign.
#[derive(Clone)]
pub struct SigningKey {
    pub key_id: String,
    pair: Arc<KeyPair>,
}

impl SigningKey {
    pub fn from_pem(actor_ap_id: &str, private_key_pem: &str) -> anyhow::Result<SigningKey> {
        let der = pem::parse(private_key_pem)?;
        let pair = KeyPair::from_pkcs8(der.contents())
            .map_err(|e| anyhow::anyhow!("invalid private key: {e}"))?;
        Ok(SigningKey {
            key_id: format!("{actor_ap_id}#main-key"),
            pair: Arc::new(pair),
        })
    }

    fn sign(&self, signing_string: &str) -> Result<String, SignError> {
        let mut sig = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_string.as_bytes(),
                &mut sig,
            )
            .map_err(|_| SignError("RSA signing failed".into()))?;
        Ok(BASE64.encode(sig))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot sign request: {0}")]
pub struct SignError(pub(crate) String);

/// `SHA-256=<base64>`, the Digest header value for a body.
pub fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", BASE64.encode(Sha256::digest(body)))
}

fn host_header(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Mastodon-compatible signing: `(request-target) host date [digest content-type]`, no
/// `(created)` field, which every major server accepts.
static SIGN_CONFIG: LazyLock<SigConfig> = LazyLock::new(|| {
    SigConfig::new()
        .mastodon_compat()
        .set_expiration(SIGNATURE_VALIDITY)
});

fn signed_headers(
    key: &SigningKey,
    method: &str,
    url: &Url,
    mut headers: BTreeMap<String, String>,
) -> Result<HeaderMap, SignError> {
    headers.insert("host".into(), host_header(url));
    headers.insert("date".into(), httpdate::fmt_http_date(SystemTime::now()));
    let signature = SIGN_CONFIG
        .begin_sign(method, &path_and_query(url), headers.clone())
        .map_err(|e| SignError(e.to_string()))?
        .sign(key.key_id.clone(), |s| key.sign(s))?
        .signature_header();
    headers.insert("signature".into(), signature);
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        let name =
            header::HeaderName::from_bytes(k.as_bytes()).map_err(|e| SignError(e.to_string()))?;
        let value = HeaderValue::from_str(&v).map_err(|e| SignError(e.to_string()))?;
        map.insert(name, value);
    }
    Ok(map)
}

/// Headers for a signed POST of an activity to an inbox.
pub fn sign_post(key: &SigningKey, url: &Url, body: &[u8]) -> Result<HeaderMap, SignError> {
    let mut h = BTreeMap::new();
    h.insert(
        "content-type".into(),
        crate::federation::AP_CONTENT_TYPE.into(),
    );
    h.insert("digest".into(), digest_header(body));
    signed_headers(key, "POST", url, h)
}

/// Headers for a signed GET (fetching objects from servers that require signatures).
pub fn sign_get(key: &SigningKey, url: &Url) -> Result<HeaderMap, SignError> {
    let mut h = BTreeMap::new();
    h.insert("accept".into(), crate::federation::AP_CONTENT_TYPE.into());
    signed_headers(key, "GET", url, h)
}

/// Why an incoming request's signature was refused; every variant answers 401.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum VerifyError {
    #[error("the request has no HTTP signature")]
    Missing,
    #[error("the HTTP signature cannot be read: {0}")]
    Malformed(String),
    #[error("the Digest header is missing or does not match the body")]
    Digest,
    #[error("the signature's key {0} is not usable: {1}")]
    Key(String, String),
    #[error("the HTTP signature does not match the key of {0}")]
    Invalid(String),
}

/// A signature header that has been parsed and checked for freshness, not yet for validity.
pub struct PendingSignature {
    inner: http_signature_normalization::verify::Unverified,
}

impl PendingSignature {
    /// The key id the sender claims, such as `https://example.org/users/alice#main-key`.
    pub fn key_id(&self) -> &str {
        self.inner.key_id()
    }

    /// The actor owning the key: the key id without its fragment (Mastodon, Lemmy and the
    /// federation crate all publish keys as `<actor>#main-key`), or without a last `/main-key`
    /// path segment (GoToSocial publishes `<actor>/main-key`).
    pub fn key_owner(&self) -> Result<Url, VerifyError> {
        let mut url = Url::parse(self.key_id())
            .map_err(|_| VerifyError::Malformed("keyId is not a URL".into()))?;
        url.set_fragment(None);
        if url.query().is_none()
            && let Some(actor_path) = url.path().strip_suffix("/main-key")
            && !actor_path.is_empty()
        {
            let actor_path = actor_path.to_string();
            url.set_path(&actor_path);
        }
        Ok(url)
    }

    /// Checks the signature against the owner's public key (PEM).
    pub fn verify(&self, keys: &KeyCache, public_key_pem: &str) -> Result<(), VerifyError> {
        let key = keys
            .parse(public_key_pem)
            .map_err(|e| VerifyError::Key(self.key_id().to_string(), e))?;
        let ok = self.inner.verify(|sig, signing_string| {
            let Ok(sig) = BASE64.decode(sig) else {
                return false;
            };
            key.verify_sig(signing_string.as_bytes(), &sig).is_ok()
        });
        if ok {
            Ok(())
        } else {
            Err(VerifyError::Invalid(self.key_id().to_string()))
        }
    }
}

static VERIFY_CONFIG: LazyLock<SigConfig> =
    LazyLock::new(|| SigConfig::new().set_expiration(SIGNATURE_VALIDITY));

/// Reads the signature of a request. `body` is given for POSTs: the `Digest` header must then
/// be present, signed, and match it (`SHA-256=` in any case).
pub fn parse_request_signature(
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    default_host: &str,
    body: Option<&[u8]>,
) -> Result<PendingSignature, VerifyError> {
    if !headers.contains_key("signature") && !headers.contains_key(header::AUTHORIZATION) {
        return Err(VerifyError::Missing);
    }
    let mut map = BTreeMap::new();
    for (name, value) in headers {
        if let Ok(v) = value.to_str() {
            map.insert(name.as_str().to_string(), v.to_string());
        }
    }
    // HTTP/2 and some proxies drop Host; the request was addressed to us anyway.
    map.entry("host".into())
        .or_insert_with(|| default_host.to_string());
    if let Some(date) = map.get("date")
        && let Ok(date) = httpdate::parse_http_date(date)
        && date > SystemTime::now() + SIGNATURE_VALIDITY
    {
        return Err(VerifyError::Malformed(
            "the Date header is in the future".into(),
        ));
    }
    let config = if let Some(body) = body {
        verify_digest(headers, body)?;
        VERIFY_CONFIG.clone().require_digest()
    } else {
        VERIFY_CONFIG.clone()
    };
    let inner = config
        .begin_verify(method, path_and_query, map)
        .map_err(|e| VerifyError::Malformed(e.to_string()))?;
    Ok(PendingSignature { inner })
}

/// Checks every `SHA-256` entry of the `Digest` header against the body.
pub fn verify_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
    let value = headers
        .get("digest")
        .and_then(|v| v.to_str().ok())
        .ok_or(VerifyError::Digest)?;
    let expected = BASE64.encode(Sha256::digest(body));
    let mut seen = false;
    for part in value.split(',') {
        let Some((alg, hash)) = part.trim().split_once('=') else {
            continue;
        };
        if alg.eq_ignore_ascii_case("sha-256") {
            if hash != expected {
                return Err(VerifyError::Digest);
            }
            seen = true;
        }
    }
    if seen {
        Ok(())
    } else {
        Err(VerifyError::Digest)
    }
}

/// Parsed public keys by PEM text, so each remote key is decoded once, not per request.
#[derive(Clone)]
pub struct KeyCache {
    cache: moka::sync::Cache<Arc<str>, Arc<ParsedPublicKey>>,
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache {
            cache: moka::sync::Cache::new(20_000),
        }
    }
}

impl KeyCache {
    fn parse(&self, public_key_pem: &str) -> Result<Arc<ParsedPublicKey>, String> {
        let k: Arc<str> = Arc::from(public_key_pem);
        if let Some(key) = self.cache.get(&k) {
            return Ok(key);
        }
        let der = pem::parse(public_key_pem).map_err(|e| e.to_string())?;
        let key = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der.contents())
            .map_err(|e| e.to_string())?;
        let key = Arc::new(key);
        self.cache.insert(k, key.clone());
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> (SigningKey, String) {
        static KEYS: LazyLock<GeneratedKeys> = LazyLock::new(|| generate_keys().unwrap());
        (
            SigningKey::from_pem("https://a.example/users/alice", &KEYS.private_key_pem).unwrap(),
            KEYS.public_key_pem.clone(),
        )
    }

    #[test]
    fn signed_post_verifies_and_tampering_fails() {
        let (key, public) = keys();
        let url = Url::parse("https://b.example/users/bob/inbox").unwrap();
        let body = br#"{"type":"Follow"}"#;
        let headers = sign_post(&key, &url, body).unwrap();
        let cache = KeyCache::default();
        let sig =
            parse_request_signature("POST", "/users/bob/inbox", &headers, "x", Some(body)).unwrap();
        assert_eq!(
            sig.key_owner().unwrap().as_str(),
            "https://a.example/users/alice"
        );
        sig.verify(&cache, &public).unwrap();

        // another body: the digest no longer matches
        assert_eq!(
            parse_request_signature("POST", "/users/bob/inbox", &headers, "x", Some(b"{}")).err(),
            Some(VerifyError::Digest)
        );
        // another path: the signing string differs
        let sig = parse_request_signature("POST", "/inbox", &headers, "x", Some(body)).unwrap();
        assert!(matches!(
            sig.verify(&cache, &public),
            Err(VerifyError::Invalid(_))
        ));
    }

    #[test]
    fn key_owner_is_read_from_mastodon_and_gotosocial_key_ids() {
        let owner = |key_id: &str| {
            let mut h = HeaderMap::new();
            let sig = format!(
                r#"keyId="{key_id}",algorithm="hs2019",headers="(request-target) host date",signature="AAAA""#
            );
            h.insert("signature", HeaderValue::from_str(&sig).unwrap());
            h.insert("host", HeaderValue::from_static("b.example"));
            h.insert(
                "date",
                HeaderValue::from_str(&httpdate::fmt_http_date(std::time::SystemTime::now()))
                    .unwrap(),
            );
            parse_request_signature("GET", "/", &h, "b.example", None)
                .unwrap()
                .key_owner()
                .unwrap()
                .to_string()
        };
        let alice = "https://a.example/users/alice";
        assert_eq!(owner("https://a.example/users/alice#main-key"), alice);
        assert_eq!(owner("https://a.example/users/alice/main-key"), alice);
        assert_eq!(owner("https://a.example/users/alice"), alice);
        assert_eq!(
            owner("https://a.example/users/alice/other-key"),
            "https://a.example/users/alice/other-key"
        );
    }

    #[test]
    fn lower_case_digest_algorithm_is_accepted() {
        let mut h = HeaderMap::new();
        let value = digest_header(b"abc").replace("SHA-256", "sha-256");
        h.insert("digest", HeaderValue::from_str(&value).unwrap());
        verify_digest(&h, b"abc").unwrap();
        assert_eq!(verify_digest(&h, b"abd"), Err(VerifyError::Digest));
    }

    #[test]
    fn signed_get_verifies_and_missing_signature_is_reported() {
        let (key, public) = keys();
        let url = Url::parse("http://localhost:8080/users/alice?page=1").unwrap();
        let headers = sign_get(&key, &url).unwrap();
        let sig =
            parse_request_signature("GET", "/users/alice?page=1", &headers, "x", None).unwrap();
        sig.verify(&KeyCache::default(), &public).unwrap();
        assert!(matches!(
            parse_request_signature("GET", "/", &HeaderMap::new(), "x", None),
            Err(VerifyError::Missing)
        ));
    }
}
