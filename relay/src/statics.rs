//! Serving the built page from a folder (`--serve DIR`), so page and relay share one origin.

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use percent_encoding::percent_decode_str;
use std::path::{Component, Path, PathBuf};

/// The page's site configuration file (see the top README).
const CONFIG_FILE: &str = "config.json";

/// The page served by this relay calls it through `/relay/` on the same origin, unless the
/// folder has a `config.json` of its own: no CORS preflights, nothing to configure.
fn own_config(method: &Method) -> Response<Body> {
    crate::own_json(method, r#"{"relay": "/relay/"}"#.to_string(), "no-cache")
}

/// Answers a GET or HEAD for `path` from `root`: `index.html` for `/` and for folders, 404 for
/// anything missing or outside the folder.
pub(crate) async fn serve(root: &Path, method: &Method, path: &str) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        return plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served here\n",
        );
    }
    let Some(relative) = safe_relative(path) else {
        return not_found();
    };
    let mut file = root.join(&relative);
    let Ok(meta) = tokio::fs::metadata(&file).await else {
        if relative == Path::new(CONFIG_FILE) {
            return own_config(method);
        }
        return not_found();
    };
    if meta.is_dir() {
        if !path.ends_with('/') {
            // So the page's relative links resolve inside the folder.
            let mut response = plain(StatusCode::PERMANENT_REDIRECT, "");
            if let Ok(location) = HeaderValue::from_str(&format!("{path}/")) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            return response;
        }
        file.push("index.html");
    }
    // Symbolic links may not lead out of the folder.
    let (Ok(real_root), Ok(real_file)) = (
        tokio::fs::canonicalize(root).await,
        tokio::fs::canonicalize(&file).await,
    ) else {
        return not_found();
    };
    if !real_file.starts_with(&real_root) {
        return not_found();
    }
    let Ok(bytes) = tokio::fs::read(&real_file).await else {
        return not_found();
    };
    let length = bytes.len();
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&real_file)),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    // The page is small; always revalidating keeps a fresh build visible at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
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
