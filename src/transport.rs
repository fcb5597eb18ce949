//! Everything between a generated client and the network, the same for every provider:
//! the client builder (environment, credential, timeouts, retry policy), auth and media-type
//! headers, and the retry loop with its per-operation safety table.
//!
//! The generated `Client` of each provider carries a [`Call`] as its inner value, and its
//! `ClientHooks` run `Call::prepare` and `Call::execute`; so even the raw generated
//! client (the escape hatch) sends auth, honours timeouts and never re-sends an unsafe call.

use std::{
    fmt,
    marker::PhantomData,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use reqwest::{
    header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE},
    StatusCode,
};
use tracing::Instrument;

use crate::{response::RawResponse, Secret};

/// The user agent every request carries.
pub const USER_AGENT: &str = concat!("partner-bindings/", env!("CARGO_PKG_VERSION"));

/// Why a client could not be built. Never shows the credential.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// No credential was given and the environment variable is not set.
    MissingCredential {
        /// The variable that was read, e.g. `RENTALCOVER_API_KEY`.
        env_var: &'static str,
    },
    /// This provider has no default server: choose an `Environment`.
    MissingBaseUrl,
    /// The environment's URL is not an absolute http(s) URL, or a host value holds more
    /// than a host name.
    InvalidBaseUrl(String),
    /// The credential holds bytes an HTTP header cannot carry (e.g. a newline).
    InvalidCredential,
    /// The custom auth header name is not a valid HTTP header name.
    InvalidAuthHeader(String),
    /// The HTTP client could not be built (e.g. TLS roots); the cause is the source.
    Http(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingCredential { env_var } => {
                write!(f, "no credential given and {env_var} is not set")
            }
            BuildError::MissingBaseUrl => {
                f.write_str("this provider has no default server: choose an environment")
            }
            BuildError::InvalidBaseUrl(url) => {
                write!(f, "base URL {url:?} is not an absolute http(s) URL")
            }
            BuildError::InvalidCredential => {
                f.write_str("the credential cannot be sent in an HTTP header")
            }
            BuildError::InvalidAuthHeader(name) => {
                write!(f, "{name:?} is not a valid HTTP header name")
            }
            BuildError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// How a provider wants its credential sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// The raw credential in the named header (any case; sent lower case, as HTTP/2
    /// requires). A name that is not a valid header name is a [`BuildError`].
    Header(&'static str),
    /// `Authorization: Bearer <credential>`.
    Bearer,
}

impl Auth {
    /// The header name and value that carry `credential`, marked sensitive so that
    /// reqwest and hyper never print it.
    pub(crate) fn header(
        self,
        credential: &Secret,
    ) -> Result<(HeaderName, HeaderValue), BuildError> {
        let (name, value) = match self {
            Auth::Header(name) => (
                HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| BuildError::InvalidAuthHeader(name.to_owned()))?,
                HeaderValue::from_str(credential.expose()),
            ),
            Auth::Bearer => (
                reqwest::header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {}", credential.expose())),
            ),
        };
        let mut value = value.map_err(|_| BuildError::InvalidCredential)?;
        value.set_sensitive(true);
        Ok((name, value))
    }
}

/// Whether an operation may be sent again once it may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Safety {
    /// Sending it twice has the same effect as once.
    Repeatable,
    /// Must reach the server at most once; the reason is shown in errors and traces.
    AtMostOnce(&'static str),
}

/// What one provider module tells the transport about itself.
pub trait ProviderApi: 'static {
    /// Short name used in traces and errors, e.g. `rentalcover`.
    const NAME: &'static str;
    /// How the credential is sent unless the builder says otherwise.
    const AUTH: Auth;
    /// Media type of bodies on the wire.
    const MEDIA_TYPE: &'static str;
    /// The environment variable read when no credential is given.
    const CREDENTIAL_ENV: &'static str;
    /// The server used when no base URL is given, if the provider has a safe default.
    const DEFAULT_URL: Option<&'static str>;
    /// The retry table: may `operation` (progenitor's snake_case id) with this JSON body
    /// be sent again after it may have reached the server?
    fn safety(operation: &str, body: Option<&[u8]>) -> Safety;
}

/// Exponential backoff with full jitter, as in the AWS architecture blog and aws-sdk-rust:
/// before retry `n` wait a random time in `[0, min(max_delay, base_delay * 2^(n-1))]`, or
/// what `Retry-After` says if the server said so. Built by [`RetryPolicy::standard`] or
/// [`RetryPolicy::none`] and the `with_*` methods.
///
/// ```
/// use std::time::Duration;
/// use partner_bindings::RetryPolicy;
/// let policy = RetryPolicy::standard()
///     .with_max_attempts(5)
///     .with_backoff(Duration::from_millis(100), Duration::from_secs(2));
/// assert_eq!(policy.max_attempts(), 5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::standard()
    }
}

impl RetryPolicy {
    /// 3 attempts in all, backoff from 0.5 s up to 8 s, `Retry-After` waited up to 30 s.
    pub fn standard() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }

    /// Never retry anything.
    pub fn none() -> Self {
        RetryPolicy::standard().with_max_attempts(1)
    }

    /// Attempts in all, including the first (1 disables retries; 0 counts as 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff's ceiling (`base`, doubled on each retry) and the longest one.
    pub fn with_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// A `Retry-After` longer than this is not waited for: the call fails with
    /// [`crate::Error::RateLimited`] (or `Server`) so the caller can decide.
    pub fn with_max_retry_after(mut self, longest: Duration) -> Self {
        self.max_retry_after = longest;
        self
    }

    /// Attempts in all, including the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The first backoff's ceiling.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest backoff between attempts.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The longest `Retry-After` waited for.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)));
        let ceiling = exp.min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Settings shared by every call of one client.
#[derive(Clone)]
pub(crate) struct Shared {
    /// The one client every request is sent with, built with no redirect policy. A
    /// reqwest client given to the generated `Client` only builds requests: so no path,
    /// the raw client included, can follow a redirect (and take a charge, or a credential
    /// in a custom header, to another URL).
    http: reqwest::Client,
    provider: &'static str,
    media_type: &'static str,
    auth: (HeaderName, HeaderValue),
    timeout: Duration,
    deadline: Duration,
    retry: RetryPolicy,
    safety: fn(&str, Option<&[u8]>) -> Safety,
}

/// The last exchange of a call, read by the facade to build a typed error.
#[derive(Default)]
pub(crate) struct Record {
    /// The operation (progenitor's snake_case id).
    pub operation: &'static str,
    /// Attempts made.
    pub attempts: u32,
    /// The table's verdict for this call.
    pub safety: Option<Safety>,
    /// The last complete response (status, headers, whole body).
    pub response: Option<RawResponse>,
    /// The status of a response whose body could not be read to its end.
    pub cut_short: Option<StatusCode>,
    /// The facade reads this record (it holds a [`RecordHandle`]): it takes status,
    /// headers and body from here, so the response rebuilt for the generated decoder needs
    /// no headers (progenitor would copy them once more).
    pub facade: bool,
}

/// The inner value of every generated `Client`: shared settings plus this call's record.
pub struct Call {
    shared: Arc<Shared>,
    record: Arc<Mutex<Record>>,
}

impl Clone for Call {
    /// A clone shares the settings and starts with a record of its own.
    fn clone(&self) -> Self {
        Call {
            shared: self.shared.clone(),
            record: Arc::default(),
        }
    }
}

/// Where the facade reads a call's [`Record`] after the generated code has finished.
pub(crate) struct RecordHandle(Arc<Mutex<Record>>);

impl RecordHandle {
    pub(crate) fn take(&self) -> Record {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("provider", &self.shared.provider)
            .field("auth", &self.shared.auth.0)
            .field("credential", &crate::secret::REDACTED)
            .field("timeout", &self.shared.timeout)
            .field("retry", &self.shared.retry)
            .finish()
    }
}

impl Call {
    /// A copy with other settings for the calls made through it: the same credential,
    /// and (in the facade's `Client`) the same reqwest client, hence the same pool.
    pub(crate) fn with(&self, change: impl FnOnce(&mut CallSettings<'_>)) -> Call {
        let mut shared = (*self.shared).clone();
        change(&mut CallSettings {
            timeout: &mut shared.timeout,
            deadline: &mut shared.deadline,
            retry: &mut shared.retry,
        });
        Call {
            shared: Arc::new(shared),
            record: Arc::default(),
        }
    }

    /// A handle on this value's record, to read after the call (the facade's; see
    /// [`Record::facade`]).
    pub(crate) fn record_handle(&self) -> RecordHandle {
        self.record.lock().unwrap_or_else(|e| e.into_inner()).facade = true;
        RecordHandle(self.record.clone())
    }

    /// Runs in `ClientHooks::pre`: auth, media type, and no `api-version` header
    /// (progenitor adds it; no provider documents it). The timeout is set per attempt in
    /// [`Call::execute`], clamped to the call's deadline.
    pub(crate) fn prepare(&self, request: &mut reqwest::Request) {
        let has_body = request.body().is_some();
        let media = HeaderValue::from_static(self.shared.media_type);
        let headers = request.headers_mut();
        headers.remove("api-version");
        headers.insert(self.shared.auth.0.clone(), self.shared.auth.1.clone());
        headers.insert(ACCEPT, media.clone());
        if has_body {
            headers.insert(CONTENT_TYPE, media);
        }
    }

    /// Runs in `ClientHooks::exec`: sends with retries as the safety table allows, reads
    /// each body whole (so a cut body is a transport failure here, not a decode error
    /// later), and records the last exchange.
    pub(crate) async fn execute(
        &self,
        request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = &self.shared;
        let safety = (shared.safety)(operation, request.body().and_then(|b| b.as_bytes()));
        let span = tracing::info_span!(
            "partner_bindings.call",
            provider = shared.provider,
            operation,
            method = %request.method(),
            safety = ?safety,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        // A deadline too far to represent (`Duration::MAX`) is no deadline.
        let deadline = started.checked_add(shared.deadline);
        let result = self
            .attempts(request, operation, safety, deadline)
            .instrument(span.clone())
            .await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        result
    }

    async fn attempts(
        &self,
        mut request: reqwest::Request,
        operation: &'static str,
        safety: Safety,
        deadline: Option<Instant>,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.shared.retry;
        let mut record = Record {
            operation,
            safety: Some(safety),
            ..Record::default()
        };
        let span = tracing::Span::current();
        loop {
            record.attempts += 1;
            let attempt = record.attempts;
            span.record("attempt", attempt);
            // No attempt outlives the whole call's deadline.
            let left = deadline.map_or(Duration::MAX, |d| {
                d.saturating_duration_since(Instant::now())
            });
            *request.timeout_mut() = Some(self.shared.timeout.min(left));
            // Our bodies are buffered JSON, so a clone exists; without one, no retry.
            // On the last allowed attempt there is nothing to keep a copy for.
            let next = (attempt < policy.max_attempts)
                .then(|| request.try_clone())
                .flatten();
            let attempt_started = Instant::now();
            let outcome = send_once(&self.shared.http, request).await;
            let wait = match &outcome {
                Ok(Exchange::Complete(response)) => {
                    span.record("status", response.status().as_u16());
                    tracing::debug!(
                        attempt,
                        status = response.status().as_u16(),
                        elapsed_ms = attempt_started.elapsed().as_millis() as u64,
                        "response"
                    );
                    retry_wait(policy, attempt, response, safety)
                }
                Ok(Exchange::CutShort { status, error }) => {
                    span.record("status", status.as_u16());
                    tracing::debug!(attempt, status = status.as_u16(), error = %error, "body cut short");
                    (safety == Safety::Repeatable).then(|| policy.backoff(attempt))
                }
                Err(error) => {
                    // A failed connect provably sent nothing; anything later may have arrived.
                    tracing::debug!(attempt, connect = error.is_connect(), timeout = error.is_timeout(), error = %error, "transport failure");
                    (error.is_connect() || safety == Safety::Repeatable)
                        .then(|| policy.backoff(attempt))
                }
            };
            // Stop when the wait would end past the deadline.
            let wait = wait.filter(|w| match (Instant::now().checked_add(*w), deadline) {
                (Some(ends), Some(deadline)) => ends < deadline,
                (None, Some(_)) => false,
                (_, None) => true,
            });
            match (wait, next) {
                (Some(wait), Some(next)) => {
                    tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                    request = next;
                }
                _ => {
                    if matches!(safety, Safety::AtMostOnce(_)) && attempt > 1 {
                        tracing::debug!(attempt, "gave up");
                    }
                    return self.finish(record, outcome, operation);
                }
            }
        }
    }

    fn finish(
        &self,
        mut record: Record,
        outcome: reqwest::Result<Exchange>,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let mut slot = self.record.lock().unwrap_or_else(|e| e.into_inner());
        record.facade = slot.facade;
        let result = match outcome {
            Ok(Exchange::Complete(response)) => {
                // The raw client's caller reads the headers from progenitor's ResponseValue.
                let rebuilt = response.to_reqwest(!record.facade);
                record.response = Some(response);
                Ok(rebuilt)
            }
            Ok(Exchange::CutShort { status, error }) => {
                record.cut_short = Some(status);
                Err(error)
            }
            Err(error) => Err(error),
        };
        tracing::trace!(operation, attempts = record.attempts, "call finished");
        *slot = record;
        result
    }
}

enum Exchange {
    Complete(RawResponse),
    CutShort {
        status: StatusCode,
        error: reqwest::Error,
    },
}

async fn send_once(http: &reqwest::Client, request: reqwest::Request) -> reqwest::Result<Exchange> {
    let mut response = http.execute(request).await?;
    let status = response.status();
    // Taken, not copied: the body is read on its own.
    let headers = std::mem::take(response.headers_mut());
    match response.bytes().await {
        Ok(body) => Ok(Exchange::Complete(RawResponse::new(status, headers, body))),
        Err(error) => Ok(Exchange::CutShort { status, error }),
    }
}

/// How long to wait before retrying after `response`, or `None` to stop.
fn retry_wait(
    policy: &RetryPolicy,
    attempt: u32,
    response: &RawResponse,
    safety: Safety,
) -> Option<Duration> {
    let transient = matches!(response.status().as_u16(), 429 | 500 | 502 | 503 | 504);
    if !transient || safety != Safety::Repeatable {
        return None;
    }
    match response.retry_after() {
        Some(after) if after > policy.max_retry_after => None,
        Some(after) => Some(after.max(policy.backoff(attempt))),
        None => Some(policy.backoff(attempt)),
    }
}

/// The settings a per-call override may change (see `Client::with_timeout` and friends).
pub(crate) struct CallSettings<'a> {
    pub(crate) timeout: &'a mut Duration,
    pub(crate) deadline: &'a mut Duration,
    pub(crate) retry: &'a mut RetryPolicy,
}

/// Default longest time for one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default longest time for a whole call: every attempt and every wait between them.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// Builds a client for provider `P`: obtain it from `<provider>::Client::builder()`, choose
/// the provider's `Environment` with `.environment(..)` (where it has no default), give a
/// credential (or set the provider's environment variable), then `.build()`.
pub struct ClientBuilder<P> {
    pub(crate) base_url: Option<Result<String, BuildError>>,
    credential: Option<Secret>,
    pub(crate) auth: Option<Auth>,
    connect_timeout: Duration,
    timeout: Duration,
    deadline: Duration,
    retry: RetryPolicy,
    http: Option<reqwest::ClientBuilder>,
    provider: PhantomData<P>,
}

impl<P> fmt::Debug for ClientBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credential", &self.credential)
            .field("auth", &self.auth)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<P: ProviderApi> Default for ClientBuilder<P> {
    fn default() -> Self {
        ClientBuilder {
            base_url: None,
            credential: None,
            auth: None,
            connect_timeout: Duration::from_secs(5),
            timeout: DEFAULT_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            retry: RetryPolicy::default(),
            http: None,
            provider: PhantomData,
        }
    }
}

impl<P: ProviderApi> ClientBuilder<P> {
    /// The credential (API key or token). Without it, `build` reads
    /// [`ProviderApi::CREDENTIAL_ENV`].
    pub fn credential(mut self, credential: impl Into<Secret>) -> Self {
        self.credential = Some(credential.into());
        self
    }

    /// Longest wait for a TCP/TLS connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Longest time for one attempt, from connecting to the last body byte (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Longest time for a whole call: every attempt and every backoff or `Retry-After`
    /// wait between them (default 60 s). When it passes during an attempt, the call ends
    /// as [`crate::Error::Timeout`] (an unknown outcome for an at-most-once call); a wait
    /// that would end past it is not started.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The retry policy (default 3 attempts, 0.5 s base, 8 s cap).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Build the HTTP client from this reqwest builder (its proxy, TLS roots, pool
    /// settings). It is a builder, not a client, so that its redirect policy can be set
    /// to *none*: a followed redirect would re-send a charge to another URL, and a
    /// credential in a custom header (`X_API_KEY`) to another origin. The user agent,
    /// connect timeout, auth, media type and timeouts are still ours.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// Builds the raw generated client and its call settings.
    pub(crate) fn parts(self) -> Result<(String, reqwest::Client, Call), BuildError> {
        let base_url = match self.base_url {
            Some(url) => url?,
            None => P::DEFAULT_URL
                .map(str::to_owned)
                .ok_or(BuildError::MissingBaseUrl)?,
        };
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|_| BuildError::InvalidBaseUrl(base_url.clone()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(BuildError::InvalidBaseUrl(base_url));
        }
        let credential = match self.credential {
            Some(c) => c,
            None => std::env::var(P::CREDENTIAL_ENV)
                .map(Secret::from)
                .map_err(|_| BuildError::MissingCredential {
                    env_var: P::CREDENTIAL_ENV,
                })?,
        };
        let auth = self.auth.unwrap_or(P::AUTH).header(&credential)?;
        // reqwest without a built-in provider uses the process's: ring's, unless the
        // program installed another (a second install fails harmlessly).
        #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let http = self
            .http
            .unwrap_or_default()
            .user_agent(USER_AGENT)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| BuildError::Http(Box::new(e)))?;
        let call = Call {
            shared: Arc::new(Shared {
                http: http.clone(),
                provider: P::NAME,
                media_type: P::MEDIA_TYPE,
                auth,
                timeout: self.timeout,
                deadline: self.deadline,
                retry: self.retry,
                safety: P::safety,
            }),
            record: Arc::default(),
        };
        Ok((base_url.trim_end_matches('/').to_owned(), http, call))
    }
}

/// The part every provider module shares, so all four have the same shape: the facade
/// `Client` (wrapping the generated `RawClient`), its builder, the hooks that route every
/// generated request through [`Call`], and `run`, which executes one generated operation
/// and turns its outcome into [`crate::Error`]. Expects in the calling module: a marker
/// type `Api` implementing [`ProviderApi`], `mod generated`, and `fn problems`.
macro_rules! provider_client {
    () => {
        /// The raw generated client for this provider (escape hatch). It already sends the
        /// auth header, honours the timeouts and the retry table, and sends every request
        /// through the facade's own HTTP client, which never follows a redirect (a
        /// `reqwest::Client` given to `new_with_client` only builds requests: none of its
        /// settings (proxy, TLS, default headers, timeouts, redirects) are used; configure
        /// those with `ClientBuilder::http_client`); it does not validate or type errors.
        /// Hidden, and outside the semver promise: it is progenitor's API, and it skips
        /// the facade's flows (RentalCover's quote-then-confirm and its `max_charge`).
        /// With only the `tls-ring` feature, progenitor's own `RawClient::new` builds a
        /// reqwest client with no crypto provider (reqwest panics) unless a facade client
        /// was built first or the program installed a rustls provider.
        #[doc(hidden)]
        pub use generated::Client as RawClient;

        /// A client for this provider: typed calls, validation before any I/O, safe retries
        /// and typed errors. Cheap to clone; clones share one connection pool.
        #[derive(Clone, Debug)]
        pub struct Client {
            raw: RawClient,
        }

        impl Client {
            /// Starts a builder: environment, credential, timeouts, retry policy.
            pub fn builder() -> $crate::transport::ClientBuilder<Api> {
                $crate::transport::ClientBuilder::default()
            }

            /// The generated client, for calls the facade does not wrap. Hidden, and
            /// outside the semver promise (see [`RawClient`]).
            #[doc(hidden)]
            pub fn raw(&self) -> &RawClient {
                &self.raw
            }

            /// The base URL calls go to.
            pub fn base_url(&self) -> &str {
                &self.raw.baseurl
            }

            /// This client with another per-attempt timeout, for the calls made through
            /// the copy. It shares the connection pool and credential.
            pub fn with_timeout(&self, timeout: std::time::Duration) -> Client {
                self.with(|s| *s.timeout = timeout)
            }

            /// This client with another whole-call deadline (attempts and waits), for the
            /// calls made through the copy. It shares the connection pool and credential.
            pub fn with_deadline(&self, deadline: std::time::Duration) -> Client {
                self.with(|s| *s.deadline = deadline)
            }

            /// This client with another retry policy, for the calls made through the copy.
            /// It shares the connection pool and credential. The safety table still
            /// decides what may be retried at all.
            pub fn with_retry(&self, policy: $crate::RetryPolicy) -> Client {
                self.with(|s| *s.retry = policy)
            }

            fn with(
                &self,
                change: impl FnOnce(&mut $crate::transport::CallSettings<'_>),
            ) -> Client {
                Client {
                    raw: RawClient::new_with_client(
                        &self.raw.baseurl,
                        self.raw.client.clone(),
                        self.raw.inner.with(change),
                    ),
                }
            }

            /// Runs one generated operation on a fresh call record and types its outcome;
            /// on success also the answer as received (status, headers, exact body).
            async fn run<T, E, F, Fut>(
                &self,
                op: F,
            ) -> Result<($crate::Response<T>, $crate::RawResponse), $crate::Error>
            where
                F: FnOnce(RawClient) -> Fut,
                Fut: std::future::Future<
                    Output = Result<
                        progenitor_client::ResponseValue<T>,
                        progenitor_client::Error<E>,
                    >,
                >,
            {
                let call = RawClient::new_with_client(
                    &self.raw.baseurl,
                    self.raw.client.clone(),
                    self.raw.inner.clone(),
                );
                let record = call.inner.record_handle();
                let outcome = op(call).await;
                $crate::error::classify(outcome, record.take(), problems)
            }
        }

        impl $crate::transport::ClientBuilder<Api> {
            /// The server to call (default: the first documented one, where it needs no
            /// value).
            pub fn environment(mut self, environment: Environment) -> Self {
                self.base_url = Some(environment.url());
                self
            }

            /// Builds the client.
            pub fn build(self) -> Result<Client, $crate::transport::BuildError> {
                let (base_url, http, call) = self.parts()?;
                Ok(Client {
                    raw: RawClient::new_with_client(&base_url, http, call),
                })
            }
        }

        impl progenitor_client::ClientHooks<$crate::transport::Call> for RawClient {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                _info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                self.inner.prepare(request);
                Ok(())
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(request, info.operation_id).await
            }
        }
    };
}
pub(crate) use provider_client;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_custom_auth_header_is_an_error_not_a_panic() {
        let secret = Secret::new("k");
        for bad in ["", "x api", "x\napi", "x:api"] {
            assert!(
                matches!(Auth::Header(bad).header(&secret), Err(BuildError::InvalidAuthHeader(n)) if n == bad),
                "{bad:?}"
            );
        }
        let (name, value) = Auth::Header("X_API_KEY").header(&secret).unwrap();
        assert_eq!(name.as_str(), "x_api_key");
        assert!(value.is_sensitive());
    }

    #[test]
    fn a_retry_policy_reads_back_what_it_was_given() {
        let standard = RetryPolicy::standard();
        assert_eq!(standard.max_attempts(), 3);
        assert_eq!(standard.base_delay(), Duration::from_millis(500));
        assert_eq!(standard.max_delay(), Duration::from_secs(8));
        assert_eq!(standard.max_retry_after(), Duration::from_secs(30));
        assert_eq!(RetryPolicy::none().max_attempts(), 1);
        let custom = standard
            .with_max_attempts(5)
            .with_backoff(Duration::from_millis(10), Duration::from_millis(40))
            .with_max_retry_after(Duration::from_secs(2));
        assert_eq!(custom.max_attempts(), 5);
        assert_eq!(custom.base_delay(), Duration::from_millis(10));
        assert_eq!(custom.max_delay(), Duration::from_millis(40));
        assert_eq!(custom.max_retry_after(), Duration::from_secs(2));
    }

    #[test]
    fn backoff_is_jittered_below_a_doubling_ceiling_capped_at_max_delay() {
        let policy = RetryPolicy::standard()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(300));
        for (retry, ceiling) in [(1, 100), (2, 200), (3, 300), (9, 300)] {
            let waits: Vec<Duration> = (0..200).map(|_| policy.backoff(retry)).collect();
            assert!(
                waits.iter().all(|w| *w <= Duration::from_millis(ceiling)),
                "{retry}"
            );
            // Full jitter: spread over the range, not always zero.
            assert!(
                waits
                    .iter()
                    .any(|w| *w > Duration::from_millis(ceiling / 2)),
                "{retry}"
            );
        }
    }

    #[test]
    fn only_an_http_build_error_has_a_source() {
        use std::error::Error as _;
        let http = BuildError::Http(Box::new(std::io::Error::other("no TLS")));
        assert_eq!(http.source().unwrap().to_string(), "no TLS");
        assert!(BuildError::InvalidCredential.source().is_none());
    }
}
