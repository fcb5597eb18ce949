//! What every provider module needs to put its generated client on the wire: an HTTP
//! client carrying the provider's auth header, and the request fix-ups the generator
//! cannot express. The full facade (timeouts, retries, typed errors) builds on this.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};

/// Why a client could not be built.
#[derive(Debug)]
pub enum ConnectError {
    /// The credential holds bytes an HTTP header cannot carry (e.g. a newline).
    /// The value itself is never shown.
    InvalidCredential,
    /// reqwest could not build the HTTP client (e.g. no TLS roots).
    Http(reqwest::Error),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::InvalidCredential => {
                f.write_str("the credential cannot be sent in an HTTP header")
            }
            ConnectError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConnectError::InvalidCredential => None,
            ConnectError::Http(e) => Some(e),
        }
    }
}

/// How a provider wants its credential sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// The raw credential in the named header.
    Header(&'static str),
    /// `Authorization: Bearer <credential>`.
    Bearer,
}

impl Auth {
    /// The header name and value that carry `credential`, marked sensitive so that
    /// reqwest and hyper never print it.
    pub fn header(self, credential: &str) -> Result<(HeaderName, HeaderValue), ConnectError> {
        let (name, value) = match self {
            Auth::Header(name) => (HeaderName::from_static(name), credential.to_owned()),
            Auth::Bearer => (
                reqwest::header::AUTHORIZATION,
                format!("Bearer {credential}"),
            ),
        };
        let mut value =
            HeaderValue::from_str(&value).map_err(|_| ConnectError::InvalidCredential)?;
        value.set_sensitive(true);
        Ok((name, value))
    }
}

/// A reqwest client (rustls) that sends `credential` the way `auth` says on every request.
pub(crate) fn http_client(auth: Auth, credential: &str) -> Result<reqwest::Client, ConnectError> {
    let (name, value) = auth.header(credential)?;
    let mut headers = HeaderMap::new();
    headers.insert(name, value);
    reqwest::Client::builder()
        .user_agent(concat!("partner-bindings/", env!("CARGO_PKG_VERSION")))
        .default_headers(headers)
        .build()
        .map_err(ConnectError::Http)
}

/// Runs in each generated client's `ClientHooks::pre`: drops progenitor's `api-version`
/// header (no provider documents it) and sets the provider's real media type, which
/// build.rs had to generate as `application/json`.
pub(crate) fn prepare(request: &mut reqwest::Request, media_type: &'static str) {
    let has_body = request.body().is_some();
    let headers = request.headers_mut();
    headers.remove("api-version");
    headers.insert(ACCEPT, HeaderValue::from_static(media_type));
    if has_body {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
    }
}

/// The part every provider module shares: `connect`, which builds the generated `Client`
/// with the provider's auth ([`http_client`]), and `ClientHooks` so every request passes
/// through [`prepare`] with the provider's media type. Expects `AUTH` and `MEDIA_TYPE`
/// consts in the calling module.
macro_rules! provider_client {
    () => {
        /// A client for `base_url` that sends `credential` on every request, as the
        /// provider expects (see [`AUTH`]).
        pub fn connect(
            base_url: &str,
            credential: &str,
        ) -> Result<Client, $crate::transport::ConnectError> {
            Ok(Client::new_with_client(
                base_url,
                $crate::transport::http_client(AUTH, credential)?,
            ))
        }

        impl progenitor_client::ClientHooks for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                _info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                $crate::transport::prepare(request, MEDIA_TYPE);
                Ok(())
            }
        }
    };
}
pub(crate) use provider_client;
