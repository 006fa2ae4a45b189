//! Requests to responses: routing, the `Host` check, and the headers every answer carries.
//!
//! tiny_http parses HTTP; this file only decides what to answer. Every
//! answer forbids other origins' scripts (`Content-Security-Policy`) and
//! caching of API results; a request whose `Host` is not the address served
//! is refused with `403`, so a page on another site that makes its name
//! resolve to 127.0.0.1 (DNS rebinding) cannot reach the API. `/api/explore`
//! says how long it computed in a `Server-Timing` header.

use std::net::{IpAddr, SocketAddr};

use tiny_http::{Header, Method, Request, Response};

use super::controls;
use super::query::Query;
use super::session::{ApiError, Session};

pub const INDEX: &str = include_str!("assets/index.html");
pub const SCRIPT: &str = include_str!("assets/explore.js");
pub const STYLE: &str = include_str!("assets/explore.css");
/// The CJK font the charts draw with (Noto Sans CJK SC, GB 2312 cut: see
/// `src/plot/fonts/README.md`), for the page's Chinese text; `explore.css`
/// names it in an `@font-face` limited to CJK characters, so a page without
/// any never loads it.
pub static FONT: &[u8] = pointsim::plot::CJK_FONT;
/// Where the font is served; `explore.css` names this address.
pub const FONT_PATH: &str = "/fonts/NotoSansCJKsc-Regular-GB2312.otf";
/// The font's `Cache-Control`: a browser keeps it a day without asking again.
const FONT_CACHE: &str = "public, max-age=86400";

/// A response before it is sent: status, content type, body, extra headers.
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub attachment: Option<String>,
    /// `Cache-Control`: `no-store` unless set (the font, which never changes within a version).
    pub cache: Option<&'static str>,
    /// Milliseconds the answer took to compute, sent as `Server-Timing`
    /// (the page and the browser check split their latency with it).
    pub compute_ms: Option<f64>,
}

impl Answer {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status: 200,
            content_type,
            body: body.into(),
            attachment: None,
            cache: None,
            compute_ms: None,
        }
    }

    /// `{ "error": message }` with `status`.
    pub fn error(status: u16, message: &str) -> Answer {
        let body = serde_json::to_vec(&serde_json::json!({ "error": message })).unwrap_or_default();
        Answer {
            status,
            content_type: "application/json",
            body,
            attachment: None,
            cache: None,
            compute_ms: None,
        }
    }
}

impl From<ApiError> for Answer {
    fn from(e: ApiError) -> Answer {
        Answer::error(e.status, &e.message)
    }
}

/// Whether `host` (a `Host` header) names the address `served`: the address
/// itself or `localhost` with its port; on an unspecified address
/// (`0.0.0.0`), any IP address or `localhost` with its port, never another name.
pub fn host_allowed(host: &str, served: SocketAddr) -> bool {
    let Some((name, port)) = host.rsplit_once(':') else { return false };
    if port.parse::<u16>().ok() != Some(served.port()) {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") && (served.ip().is_loopback() || served.ip().is_unspecified()) {
        return true;
    }
    let ip = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    match ip.parse::<IpAddr>() {
        Ok(ip) => ip == served.ip() || served.ip().is_unspecified(),
        Err(_) => false,
    }
}

/// The answer to one request.
pub fn answer(
    session: &Session,
    method: &Method,
    url: &str,
    host: Option<&str>,
    served: SocketAddr,
) -> Answer {
    if !host.is_some_and(|h| host_allowed(h, served)) {
        return Answer::error(
            403,
            &format!(
                "error: this server answers only requests for `{served}`; the `Host` header names another\n"
            ),
        );
    }
    if *method != Method::Get && *method != Method::Head {
        return Answer::error(405, "error: only GET requests are answered\n");
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let parsed = || {
        Query::parse(query).map_err(|(msg, hint)| ApiError::bad(format!("error: {msg}\n\nhint: {hint}\n")))
    };
    match path {
        "/" | "/index.html" => Answer::ok("text/html; charset=utf-8", INDEX),
        "/explore.js" => Answer::ok("text/javascript; charset=utf-8", SCRIPT),
        "/explore.css" => Answer::ok("text/css; charset=utf-8", STYLE),
        p if p == FONT_PATH => Answer { cache: Some(FONT_CACHE), ..Answer::ok("font/otf", FONT) },
        "/api/scenario" => Answer::ok("application/json", controls::scenario_json(session)),
        "/api/compare" => {
            match parsed().and_then(|q| session.prepare(q)).and_then(|p| session.compare_json(&p)) {
                Ok(json) => Answer::ok("application/json", json),
                Err(e) => e.into(),
            }
        }
        "/api/explore" => {
            let started = std::time::Instant::now();
            match parsed().and_then(|q| session.prepare(q)).and_then(|p| session.explore_json(&p)) {
                Ok(json) => Answer {
                    compute_ms: Some(started.elapsed().as_secs_f64() * 1000.0),
                    ..Answer::ok("application/json", json)
                },
                Err(e) => e.into(),
            }
        }
        "/api/status" => Answer::ok("application/json", session.status_json()),
        "/api/overlay" => {
            match parsed().and_then(|q| session.prepare(q)).and_then(|p| super::overlay::overlay(session, &p))
            {
                Ok(text) => Answer {
                    attachment: Some(format!(
                        "attachment; filename=\"{}\"",
                        super::overlay::download_name(session)
                    )),
                    ..Answer::ok("application/toml; charset=utf-8", text)
                },
                Err(e) => e.into(),
            }
        }
        _ => Answer::error(404, &format!("error: nothing at `{path}`\n")),
    }
}

/// Answer `request` and send the response; a client that went away is not an error.
pub fn serve(session: &Session, request: Request, served: SocketAddr) {
    let host = request.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str().to_owned());
    let a = answer(session, request.method(), request.url(), host.as_deref(), served);
    let header = |k: &str, v: &str| Header::from_bytes(k.as_bytes(), v.as_bytes()).ok();
    let mut response = Response::from_data(a.body).with_status_code(a.status);
    let headers = [
        header("Content-Type", a.content_type),
        header("Cache-Control", a.cache.unwrap_or("no-store")),
        header("X-Content-Type-Options", "nosniff"),
        header("Referrer-Policy", "no-referrer"),
        header(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'; \
             form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
        a.attachment.as_deref().and_then(|v| header("Content-Disposition", v)),
        a.compute_ms.and_then(|ms| header("Server-Timing", &format!("compute;dur={ms:.1}"))),
    ];
    for h in headers.into_iter().flatten() {
        response.add_header(h);
    }
    let _ = request.respond(response);
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn host_must_name_the_served_address() {
        let served = "127.0.0.1:8080".parse().unwrap();
        assert!(host_allowed("127.0.0.1:8080", served));
        assert!(host_allowed("localhost:8080", served));
        assert!(!host_allowed("127.0.0.1:8081", served));
        assert!(!host_allowed("evil.example:8080", served));
        assert!(!host_allowed("127.0.0.1", served));
        let any = "0.0.0.0:80".parse().unwrap();
        assert!(host_allowed("192.168.1.5:80", any));
        assert!(host_allowed("localhost:80", any));
        assert!(!host_allowed("rebind.example:80", any));
        let v6 = "[::1]:9000".parse().unwrap();
        assert!(host_allowed("[::1]:9000", v6));
    }
}
