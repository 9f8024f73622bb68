//! Serving the built page from a folder (`--serve DIR`), so page and relay share one origin.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode};
use base64::Engine as _;
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

/// The page's site configuration file (see the top README).
const CONFIG_FILE: &str = "config.json";

/// The page served by this relay calls it through `/relay/` on the same origin, unless the
/// folder has a `config.json` of its own: no CORS preflights, nothing to configure.
fn own_config(method: &Method) -> Response<Body> {
    crate::own_json(method, r#"{"relay": "/relay/"}"#.to_string(), "no-cache")
}

/// Answers a GET or HEAD for `path` from `root`: `index.html` for `/` and for folders, 404 for
/// anything missing or outside the folder. Every answer carries the page's security headers.
pub(crate) async fn serve(root: &Path, method: &Method, path: &str) -> Response<Body> {
    let (mut response, html) = file_answer(root, method, path).await;
    let relay = configured_relay_origin(root).await;
    page_headers(response.headers_mut(), html.as_deref(), relay.as_deref());
    response
}

/// The answer, and the HTML when it is a page (its inline scripts go into the CSP).
async fn file_answer(
    root: &Path,
    method: &Method,
    path: &str,
) -> (Response<Body>, Option<Vec<u8>>) {
    let response = |r: Response<Body>| (r, None);
    if method != Method::GET && method != Method::HEAD {
        return response(plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served here\n",
        ));
    }
    let Some(relative) = safe_relative(path) else {
        return response(not_found());
    };
    let mut file = root.join(&relative);
    let Ok(meta) = tokio::fs::metadata(&file).await else {
        if relative == Path::new(CONFIG_FILE) {
            return response(own_config(method));
        }
        return response(not_found());
    };
    if meta.is_dir() {
        if !path.ends_with('/') {
            // So the page's relative links resolve inside the folder. The Location is rebuilt
            // from the checked path: `//evil.example` must not become a protocol-relative
            // `Location: //evil.example/` that sends the browser to another site.
            let mut redirect = plain(StatusCode::PERMANENT_REDIRECT, "");
            if let Ok(location) = HeaderValue::from_str(&folder_location(&relative)) {
                redirect.headers_mut().insert(header::LOCATION, location);
            }
            return response(redirect);
        }
        file.push("index.html");
    }
    // Symbolic links may not lead out of the folder, nor to a hidden file or folder inside it
    // (`x -> .env`, `gitlink -> .git`): what is served is judged by where it really is.
    let (Ok(real_root), Ok(real_file)) = (
        tokio::fs::canonicalize(root).await,
        tokio::fs::canonicalize(&file).await,
    ) else {
        return response(not_found());
    };
    if !inside_and_visible(&real_root, &real_file) {
        return response(not_found());
    }
    let Ok(bytes) = tokio::fs::read(&real_file).await else {
        return response(not_found());
    };
    let html = content_type(&real_file)
        .starts_with("text/html")
        .then(|| bytes.clone());
    let length = bytes.len();
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    let mut answer = Response::new(body);
    let headers = answer.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&real_file)),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    // The page is small; always revalidating keeps a fresh build visible at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    (answer, html)
}

/// The request path as a relative file path, or `None` if it tries to leave the folder or is
/// not a plain path.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut out = PathBuf::new();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => {
                // Hidden files (.git, .env) are not part of a built page.
                if part.to_string_lossy().starts_with('.') {
                    return None;
                }
                out.push(part);
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Whether `real_file` (canonical) lies inside `real_root` (canonical) with no hidden component
/// on the way.
fn inside_and_visible(real_root: &Path, real_file: &Path) -> bool {
    match real_file.strip_prefix(real_root) {
        Ok(rest) => rest.components().all(|c| match c {
            Component::Normal(part) => !part.to_string_lossy().starts_with('.'),
            _ => false,
        }),
        Err(_) => false,
    }
}

/// What is percent-encoded in one part of a redirect's path.
const PATH_PART: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// `/a/b/` for the folder `a/b`: always one leading slash, never `//` or `/\`.
fn folder_location(relative: &Path) -> String {
    let mut out = String::from("/");
    for part in relative.components() {
        if let Component::Normal(part) = part {
            let encoded = percent_encoding::utf8_percent_encode(&part.to_string_lossy(), PATH_PART)
                .to_string();
            out.push_str(&encoded);
            out.push('/');
        }
    }
    debug_assert!(!out.starts_with("//") && !out.starts_with("/\\"));
    out
}

/// The page's own security headers, on every answer from the folder. Written by hand rather
/// than with `SetResponseHeaderLayer` because the CSP depends on the page served: it names each
/// inline `<script>` of that HTML by its hash (Trunk writes an inline module that starts the
/// wasm), and the relay named in the folder's `config.json`.
pub(crate) fn page_headers(headers: &mut HeaderMap, html: Option<&[u8]>, relay: Option<&str>) {
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(html, relay)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    let fixed = [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
}

/// Powerful features the page never uses, off for it and anything it could embed. Only names
/// Chromium knows: an unknown one is reported as an error in the console.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), display-capture=(), \
geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), \
midi=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), \
xr-spatial-tracking=()";

/// `default-src 'self'`, scripts from the page's origin plus its inline scripts by hash and
/// WebAssembly compilation, calls to the page's origin and the configured relay, no frames, no
/// plugins, no forms, no `<base>`.
pub fn content_security_policy(html: Option<&[u8]>, relay: Option<&str>) -> String {
    let mut script = String::from("'self' 'wasm-unsafe-eval'");
    for hash in html.map(inline_script_hashes).unwrap_or_default() {
        script.push_str(&format!(" 'sha256-{hash}'"));
    }
    let mut style = String::from("'self'");
    for hash in html.map(inline_style_hashes).unwrap_or_default() {
        style.push_str(&format!(" 'sha256-{hash}'"));
    }
    let mut connect = String::from("'self'");
    if let Some(relay) = relay {
        connect.push(' ');
        connect.push_str(relay);
    }
    format!(
        "default-src 'self'; script-src {script}; connect-src {connect}; style-src {style}; \
         img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; \
         object-src 'none'"
    )
}

/// The base64 SHA-256 of each inline `<script>` (one without `src`), as CSP wants them.
pub fn inline_script_hashes(html: &[u8]) -> Vec<String> {
    inline_hashes(html, b"script")
}

/// The base64 SHA-256 of each `<style>` element (the single-file page inlines its stylesheet).
pub fn inline_style_hashes(html: &[u8]) -> Vec<String> {
    inline_hashes(html, b"style")
}

/// The hashes of the bodies of every `<tag>` element without a `src` attribute.
fn inline_hashes(html: &[u8], name: &[u8]) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let open = [b"<".as_slice(), name].concat();
    let close = [b"</".as_slice(), name].concat();
    let mut hashes = Vec::new();
    let mut at = 0;
    while let Some(found) = find(&lower[at..], &open) {
        let tag_start = at + found;
        let Some(tag_len) = find(&lower[tag_start..], b">") else {
            break;
        };
        let tag = &lower[tag_start + open.len()..tag_start + tag_len];
        let body_start = tag_start + tag_len + 1;
        let Some(body_len) = find(&lower[body_start..], &close) else {
            break;
        };
        let has_src = tag
            .split(|b| b.is_ascii_whitespace() || *b == b'/')
            .any(|attr| attr == b"src" || attr.starts_with(b"src="));
        if !has_src
            && matches!(
                tag.first(),
                None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'/')
            )
        {
            let digest = Sha256::digest(&html[body_start..body_start + body_len]);
            hashes.push(base64::engine::general_purpose::STANDARD.encode(digest));
        }
        at = body_start + body_len;
    }
    hashes
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The origin of the relay named in the folder's `config.json`, when it is absolute (a relative
/// one such as `/relay/` is the page's own origin, already allowed).
async fn configured_relay_origin(root: &Path) -> Option<String> {
    let text = tokio::fs::read(root.join(CONFIG_FILE)).await.ok()?;
    let config: serde_json::Value = serde_json::from_slice(&text).ok()?;
    relay_origin(config.get("relay")?.as_str()?)
}

/// `https://relay.example` for `https://relay.example/?url={url}`; `None` when relative.
pub fn relay_origin(template: &str) -> Option<String> {
    let url = url::Url::parse(template.trim()).ok()?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return None;
    }
    url.host()?;
    Some(url.origin().ascii_serialization())
}

/// The content type for a file name, `application/octet-stream` when unknown.
pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

fn not_found() -> Response<Body> {
    plain(StatusCode::NOT_FOUND, "not found\n")
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        assert_eq!(safe_relative("/"), Some(PathBuf::new()));
        assert_eq!(safe_relative("/a/b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(safe_relative("/a%20b.js"), Some(PathBuf::from("a b.js")));
        assert_eq!(safe_relative("/../etc/passwd"), None);
        assert_eq!(safe_relative("/a/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(safe_relative("/a/..%2f..%2fetc"), None);
        assert_eq!(safe_relative("/..%5c..%5cwin.ini"), None);
        assert_eq!(safe_relative("/.git/config"), None);
        assert_eq!(safe_relative("/a%00.html"), None);
    }

    #[test]
    fn folder_redirects_stay_on_this_site() {
        for (path, location) in [
            ("//evil.example", "/evil.example/"),
            ("///evil.example", "/evil.example/"),
            ("/a%20b", "/a%20b/"),
            ("/a//b", "/a/b/"),
            ("/sub", "/sub/"),
        ] {
            let relative = safe_relative(path).unwrap();
            let got = folder_location(&relative);
            assert_eq!(got, location, "{path}");
            assert!(!got.starts_with("//") && !got.starts_with("/\\"));
        }
    }

    #[test]
    fn inline_scripts_are_hashed() {
        let html =
            br#"<html><head><script type="module">import init from './a.js';await init();</script>
<script src="x.js"></script><SCRIPT>alert(1)</SCRIPT><scripts>no</scripts></head></html>"#;
        let hashes = inline_script_hashes(html);
        let expect = |text: &str| {
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
        };
        assert_eq!(
            hashes,
            vec![
                expect("import init from './a.js';await init();"),
                expect("alert(1)")
            ]
        );
        let csp = content_security_policy(Some(html), Some("https://relay.example"));
        assert!(
            csp.contains(&format!("'sha256-{}'", expect("alert(1)"))),
            "{csp}"
        );
        assert!(
            csp.contains("connect-src 'self' https://relay.example;"),
            "{csp}"
        );
        assert_eq!(
            relay_origin("https://Relay.example:8443/?url={url}").as_deref(),
            Some("https://relay.example:8443")
        );
        assert_eq!(relay_origin("/relay/"), None);
        let single = br#"<style>p{}</style><script type="module">go()</script>"#;
        let csp = content_security_policy(Some(single), None);
        assert!(
            csp.contains(&format!("style-src 'self' 'sha256-{}';", expect("p{}"))),
            "{csp}"
        );
        assert_eq!(relay_origin(""), None);
    }

    #[test]
    fn types() {
        assert_eq!(content_type(Path::new("x/app_bg.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("index.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("app.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }
}
