//! The CORS relay template: how a target URL becomes the URL the browser fetches.
//!
//! Empty means direct calls; a template with `{url}` gets the percent-encoded target; anything else
//! is a prefix, as cors-anywhere expects. Relative templates resolve against the page's own address,
//! so a page hosted under a sub-path finds a relay beside it.

use crate::percent;
use crate::url::AbsoluteUrl;

/// A validated relay setting.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Relay {
    /// No relay: the browser calls the API itself (and CORS decides).
    #[default]
    Direct,
    /// A template, absolute or relative, used as it was typed.
    Via(String),
}

impl Relay {
    /// Reads the relay field. Empty is direct; otherwise an absolute http(s) URL or a path that
    /// starts with `/`, `./` or `../`, optionally holding `{url}` once.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Relay::Direct);
        }
        if text.matches("{url}").count() > 1 {
            return Err("may hold {url} only once".into());
        }
        if text.chars().any(char::is_whitespace) {
            return Err("must not contain spaces".into());
        }
        if is_relative(text) {
            return Ok(Relay::Via(text.to_string()));
        }
        if !text.contains("://") {
            return Err(
                "must be empty, a URL such as https://relay.example/, or a path such as /relay/"
                    .into(),
            );
        }
        let url = AbsoluteUrl::parse(text)?;
        url.require_secure()?;
        Ok(Relay::Via(text.to_string()))
    }

    /// The URL the browser fetches to reach `target`, with relative templates resolved against
    /// `page_url` (the page's own address, `location.href`).
    pub fn wrap(&self, target: &str, page_url: &str) -> String {
        match self {
            Relay::Direct => target.to_string(),
            Relay::Via(template) => {
                let absolute = resolve(template, page_url);
                if absolute.contains("{url}") {
                    absolute.replacen("{url}", &percent::encode(target), 1)
                } else {
                    format!("{absolute}{target}")
                }
            }
        }
    }

    /// The origin that receives the credentials on their way to the API, or `None` when direct.
    pub fn origin(&self, page_url: &str) -> Option<String> {
        match self {
            Relay::Direct => None,
            Relay::Via(template) => {
                let absolute = resolve(template, page_url);
                Some(
                    AbsoluteUrl::parse(&absolute)
                        .map(|u| u.origin())
                        .unwrap_or(absolute),
                )
            }
        }
    }

    /// The template as typed, empty when direct.
    pub fn template(&self) -> &str {
        match self {
            Relay::Direct => "",
            Relay::Via(template) => template,
        }
    }
}

fn is_relative(text: &str) -> bool {
    text.starts_with('/') && !text.starts_with("//")
        || text.starts_with("./")
        || text.starts_with("../")
}

/// Resolves a relative template against the page URL the way a browser resolves a link.
pub fn resolve(template: &str, page_url: &str) -> String {
    if !is_relative(template) {
        return template.to_string();
    }
    let Ok(page) = AbsoluteUrl::parse(page_url) else {
        return template.to_string();
    };
    let origin = page.origin();
    if template.starts_with('/') {
        return format!("{origin}{template}");
    }
    // The page's directory: its path up to the last '/', query and fragment dropped.
    let path = page.rest.split(['?', '#']).next().unwrap_or("");
    let mut dirs: Vec<&str> = path.split('/').collect();
    dirs.pop(); // the file name, or "" for a path ending in '/'
    let mut rest = template;
    loop {
        if let Some(after) = rest.strip_prefix("./") {
            rest = after;
        } else if let Some(after) = rest.strip_prefix("../") {
            if dirs.len() > 1 {
                dirs.pop();
            }
            rest = after;
        } else {
            break;
        }
    }
    let dir = dirs.join("/");
    format!("{origin}{dir}/{rest}")
}
