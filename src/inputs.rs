//! The form's fields, what a person typed (`Form`), and the checked values the engine runs on
//! (`Inputs`). Validation never changes what was typed: it reads the form and answers either the
//! checked inputs or one message per wrong field.

use crate::relay::Relay;
use crate::url::AbsoluteUrl;
use std::fmt;

/// Which API layout the calls follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The layout the troubleshooting guide describes (`{tenant}.nicecxone.com`, `/api/v2/...`).
    #[default]
    Guide,
    /// NICE CXone as NICE publishes it (issuer, discovery, `incontactapi`).
    Platform,
}

impl Profile {
    pub const ALL: [Profile; 2] = [Profile::Guide, Profile::Platform];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Guide => "guide",
            Profile::Platform => "platform",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Profile::Guide => "Guide (/api/v2)",
            Profile::Platform => "Platform (CXone API)",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text.trim())
    }
}

/// Production or DevTest: the guide's two hosts for one tenant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Prod,
    Devtest,
}

impl Environment {
    pub const ALL: [Environment; 2] = [Environment::Prod, Environment::Devtest];

    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Prod => "prod",
            Environment::Devtest => "devtest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Environment::Prod => "Production",
            Environment::Devtest => "DevTest",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text.trim())
    }

    /// The environment a session may be in instead (the `other_environment` check).
    pub fn other(self) -> Self {
        match self {
            Environment::Prod => Environment::Devtest,
            Environment::Devtest => Environment::Prod,
        }
    }
}

/// Every input of the form, in the order the form shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Profile,
    Tenant,
    Environment,
    ClientId,
    ClientSecret,
    AccessKeyId,
    AccessKeySecret,
    Issuer,
    UserId,
    AgentId,
    ApiHost,
    ApiVersion,
    Relay,
    Timeout,
}

impl Field {
    pub const ALL: [Field; 14] = [
        Field::Profile,
        Field::Tenant,
        Field::Environment,
        Field::ClientId,
        Field::ClientSecret,
        Field::AccessKeyId,
        Field::AccessKeySecret,
        Field::Issuer,
        Field::UserId,
        Field::AgentId,
        Field::ApiHost,
        Field::ApiVersion,
        Field::Relay,
        Field::Timeout,
    ];

    /// The input's `name` (and `id`) in the page.
    pub fn name(self) -> &'static str {
        match self {
            Field::Profile => "profile",
            Field::Tenant => "tenant",
            Field::Environment => "environment",
            Field::ClientId => "client_id",
            Field::ClientSecret => "client_secret",
            Field::AccessKeyId => "access_key_id",
            Field::AccessKeySecret => "access_key_secret",
            Field::Issuer => "issuer",
            Field::UserId => "user_id",
            Field::AgentId => "agent_id",
            Field::ApiHost => "api_host",
            Field::ApiVersion => "api_version",
            Field::Relay => "relay",
            Field::Timeout => "timeout",
        }
    }

    /// The visible label, in CXone's own words where the platform has them.
    pub fn label(self) -> &'static str {
        match self {
            Field::Profile => "API profile",
            Field::Tenant => "Tenant",
            Field::Environment => "Environment",
            Field::ClientId => "Client ID",
            Field::ClientSecret => "Client secret",
            Field::AccessKeyId => "Access key ID",
            Field::AccessKeySecret => "Access key secret",
            Field::Issuer => "Issuer",
            Field::UserId => "User ID",
            Field::AgentId => "Agent ID (optional)",
            Field::ApiHost => "API host (optional)",
            Field::ApiVersion => "API version",
            Field::Relay => "CORS relay",
            Field::Timeout => "Time limit per call (seconds)",
        }
    }

    /// The key in a link, or `None` for the secrets, which never travel in a link.
    pub fn link_key(self) -> Option<&'static str> {
        match self {
            Field::Profile => Some("profile"),
            Field::Tenant => Some("tenant"),
            Field::Environment => Some("env"),
            Field::ClientId => Some("client_id"),
            Field::ClientSecret | Field::AccessKeySecret => None,
            Field::AccessKeyId => Some("access_key_id"),
            Field::Issuer => Some("issuer"),
            Field::UserId => Some("user"),
            Field::AgentId => Some("agent"),
            Field::ApiHost => Some("host"),
            Field::ApiVersion => Some("v"),
            Field::Relay => Some("relay"),
            Field::Timeout => Some("timeout"),
        }
    }

    pub fn is_secret(self) -> bool {
        matches!(self, Field::ClientSecret | Field::AccessKeySecret)
    }

    /// Whether the field means something for `profile` (the form hides the others).
    pub fn applies_to(self, profile: Profile) -> bool {
        match self {
            Field::Tenant | Field::Environment => profile == Profile::Guide,
            Field::AccessKeyId | Field::AccessKeySecret | Field::Issuer | Field::ApiVersion => {
                profile == Profile::Platform
            }
            _ => true,
        }
    }

    /// Fields that decide where credentials are sent: a link that sets one needs confirmation.
    pub fn routes_credentials(self) -> bool {
        matches!(self, Field::Relay | Field::ApiHost | Field::Issuer)
    }

    /// A short hint under the field.
    pub fn hint(self) -> &'static str {
        match self {
            Field::Tenant => "Your tenant's name, as in acme.nicecxone.com",
            Field::ApiHost => "Replaces the API host entirely, e.g. https://api-na1.niceincontact.com",
            Field::AgentId => "Skips the user lookup when given alone; cross-checked when both are given",
            Field::Relay => "Empty for direct calls; https://relay.example/, https://relay.example/?url={url}, or /relay/",
            Field::Issuer => "https://cxone.niceincontact.com, or https://cxone-gov.niceincontact.com for the government cloud",
            Field::ApiVersion => "Like v27.0",
            Field::ClientSecret | Field::AccessKeySecret => "Kept in this tab's memory only; never in a link or storage",
            _ => "",
        }
    }
}

/// The default issuer for the platform profile.
pub const DEFAULT_ISSUER: &str = "https://cxone.niceincontact.com";
/// The government cloud's issuer, offered as a preset.
pub const GOV_ISSUER: &str = "https://cxone-gov.niceincontact.com";
pub const DEFAULT_API_VERSION: &str = "v27.0";
pub const DEFAULT_TIMEOUT_SECS: u32 = 15;

/// What the person typed, field by field, exactly as typed.
#[derive(Clone, PartialEq, Eq)]
pub struct Form {
    values: [String; Field::ALL.len()],
}

impl Default for Form {
    fn default() -> Self {
        let mut form = Form {
            values: Default::default(),
        };
        form.set(Field::Profile, Profile::Guide.as_str());
        form.set(Field::Environment, Environment::Prod.as_str());
        form.set(Field::Issuer, DEFAULT_ISSUER);
        form.set(Field::ApiVersion, DEFAULT_API_VERSION);
        form.set(Field::Timeout, &DEFAULT_TIMEOUT_SECS.to_string());
        form
    }
}

impl Form {
    pub fn get(&self, field: Field) -> &str {
        &self.values[index(field)]
    }

    pub fn set(&mut self, field: Field, value: &str) {
        self.values[index(field)] = value.to_string();
    }

    /// The profile chosen, guide when the field holds anything else.
    pub fn profile(&self) -> Profile {
        Profile::parse(self.get(Field::Profile)).unwrap_or_default()
    }

    /// Checks every field that applies to the chosen profile.
    pub fn validate(&self) -> Result<Inputs, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: Field| -> Option<String> {
            match check_field(self, field) {
                Ok(value) => Some(value),
                Err(message) => {
                    errors.push(FieldError { field, message });
                    None
                }
            }
        };
        let profile = self.profile();
        let mut values = Vec::new();
        for field in Field::ALL {
            values.push(if field.applies_to(profile) {
                check(field)
            } else {
                Some(String::new())
            });
        }
        if profile == Profile::Guide
            && self.get(Field::Tenant).trim().is_empty()
            && !self.get(Field::ApiHost).trim().is_empty()
        {
            // The API host replaces the tenant's host, so no tenant is needed; drop that error.
            errors.retain(|e| e.field != Field::Tenant);
        }
        if self.get(Field::UserId).trim().is_empty() && self.get(Field::AgentId).trim().is_empty() {
            errors.push(FieldError {
                field: Field::UserId,
                message: "Enter the user ID (or an agent ID below)".into(),
            });
        }
        if !errors.is_empty() {
            crate::sorting::sort_by_key(&mut errors, |e| index(e.field));
            return Err(errors);
        }
        let value = |field: Field| values[index(field)].clone().unwrap_or_default();
        let optional = |field: Field| Some(value(field)).filter(|v| !v.is_empty());
        Ok(Inputs {
            checked: Checked,
            profile,
            tenant: value(Field::Tenant),
            environment: Environment::parse(&value(Field::Environment)).unwrap_or_default(),
            api_host: optional(Field::ApiHost),
            client_id: value(Field::ClientId),
            client_secret: self.get(Field::ClientSecret).to_string(),
            access_key_id: value(Field::AccessKeyId),
            access_key_secret: self.get(Field::AccessKeySecret).to_string(),
            issuer: optional(Field::Issuer).unwrap_or_else(|| DEFAULT_ISSUER.into()),
            user_id: optional(Field::UserId),
            agent_id: optional(Field::AgentId),
            api_version: optional(Field::ApiVersion).unwrap_or_else(|| DEFAULT_API_VERSION.into()),
            relay: Relay::parse(self.get(Field::Relay)).unwrap_or_default(),
            timeout_secs: value(Field::Timeout)
                .parse()
                .unwrap_or(DEFAULT_TIMEOUT_SECS),
        })
    }

    /// The message for one field, or `None` when it is fine (for messages shown while typing).
    pub fn error_for(&self, field: Field) -> Option<String> {
        if !field.applies_to(self.profile()) {
            return None;
        }
        match self.validate() {
            Ok(_) => None,
            Err(errors) => errors
                .into_iter()
                .find(|e| e.field == field)
                .map(|e| e.message),
        }
    }
}

// The secrets are never printed, even by `{:?}` in a panic message or a log line.
impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for field in Field::ALL {
            let value = self.get(field);
            if field.is_secret() {
                map.entry(&field.name(), &redacted(value));
            } else {
                map.entry(&field.name(), &value);
            }
        }
        map.finish()
    }
}

fn redacted(value: &str) -> &'static str {
    if value.is_empty() {
        ""
    } else {
        "<redacted>"
    }
}

fn index(field: Field) -> usize {
    Field::ALL
        .iter()
        .position(|f| *f == field)
        .expect("every field is in Field::ALL")
}

/// One message for one field, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

/// Checks one field and answers its normalised value.
fn check_field(form: &Form, field: Field) -> Result<String, String> {
    let raw = form.get(field);
    let text = raw.trim();
    match field {
        Field::Profile => Profile::parse(text)
            .map(|p| p.as_str().to_string())
            .ok_or_else(|| format!("Unknown profile \"{text}\"; choose guide or platform")),
        Field::Environment => Environment::parse(text)
            .map(|e| e.as_str().to_string())
            .ok_or_else(|| format!("Unknown environment \"{text}\"; choose prod or devtest")),
        Field::Tenant => check_tenant(text),
        Field::ClientId | Field::AccessKeyId => required(field, text),
        // Secrets are used exactly as typed: a trailing space may be part of one.
        Field::ClientSecret | Field::AccessKeySecret => {
            if raw.is_empty() {
                Err(format!("Enter the {}", field.label().to_ascii_lowercase()))
            } else {
                Ok(String::new())
            }
        }
        Field::UserId | Field::AgentId => {
            if text
                .chars()
                .any(|c| c.is_whitespace() || c == '/' || c == '?' || c == '#')
            {
                Err("An ID has no spaces, slashes, ? or #".into())
            } else {
                Ok(text.to_string())
            }
        }
        Field::ApiHost => {
            if text.is_empty() {
                Ok(String::new())
            } else {
                check_origin(text)
            }
        }
        Field::Issuer => {
            if text.is_empty() {
                Ok(DEFAULT_ISSUER.to_string())
            } else {
                check_origin(text)
            }
        }
        Field::ApiVersion => check_api_version(text),
        Field::Relay => Relay::parse(text).map(|r| r.template().to_string()),
        Field::Timeout => match text.parse::<u32>() {
            Ok(secs) if (1..=120).contains(&secs) => Ok(secs.to_string()),
            _ => Err("Enter a whole number of seconds from 1 to 120".into()),
        },
    }
}

fn required(field: Field, text: &str) -> Result<String, String> {
    if text.is_empty() {
        Err(format!("Enter the {}", field.label().to_ascii_lowercase()))
    } else {
        Ok(text.to_string())
    }
}

/// A tenant is one DNS label: `[a-z0-9-]`, 1 to 63 characters, no hyphen at either end.
pub fn check_tenant(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Err("Enter the tenant name, as in acme.nicecxone.com".into());
    }
    if text.contains('.') || text.contains("://") || text.contains('/') {
        // Someone pasting the whole host gets told which part to keep.
        let label = text
            .split("://")
            .last()
            .unwrap_or(text)
            .split(['.', '/'])
            .next()
            .unwrap_or("");
        let example = if label.is_empty() {
            "acme".to_string()
        } else {
            label.to_ascii_lowercase()
        };
        return Err(format!(
            "Enter only the tenant's name, without dots, scheme or path: type {example}; use API host for a full address"
        ));
    }
    if text.len() > 63 {
        return Err(format!(
            "A tenant name has at most 63 characters; this one has {}",
            text.len()
        ));
    }
    if text.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "Use lowercase letters: {}",
            text.to_ascii_lowercase()
        ));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        let shown = if bad.is_whitespace() {
            "a space".to_string()
        } else {
            format!("\"{bad}\"")
        };
        return Err(format!(
            "A tenant name has only a-z, 0-9 and -; remove {shown}"
        ));
    }
    if text.starts_with('-') || text.ends_with('-') {
        return Err("A tenant name cannot start or end with -".into());
    }
    Ok(text.to_string())
}

/// An origin: `https://host[:port]`, nothing after but an optional `/`; `http` only for localhost.
pub fn check_origin(text: &str) -> Result<String, String> {
    let url = AbsoluteUrl::parse(text).map_err(|e| format!("This address {e}"))?;
    if !(url.rest.is_empty() || url.rest == "/") {
        return Err(format!(
            "Enter only the origin, {}, without a path or query",
            url.origin()
        ));
    }
    url.require_secure()?;
    Ok(url.origin())
}

/// `v27.0`, `v27` or `27` all mean `v27.0`.
fn check_api_version(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Ok(DEFAULT_API_VERSION.to_string());
    }
    let bare = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let (major, minor) = bare.split_once('.').unwrap_or((bare, "0"));
    match (major.parse::<u32>(), minor.parse::<u32>()) {
        (Ok(major), Ok(minor)) => Ok(format!("v{major}.{minor}")),
        _ => Err(format!("\"{text}\" is not a version like v27.0")),
    }
}

/// Checked inputs, ready for the engine. The secrets are held but never printed.
///
/// [`Form::validate`] is the only way to make one (the private `checked` field sees to it), so
/// whoever holds `Inputs` holds fields that passed validation, and the engine does not check
/// them again.
#[derive(Clone, PartialEq, Eq)]
pub struct Inputs {
    checked: Checked,
    pub profile: Profile,
    /// Empty when the API host override makes it unnecessary, or for the platform profile.
    pub tenant: String,
    pub environment: Environment,
    /// An origin without a trailing slash.
    pub api_host: Option<String>,
    pub client_id: String,
    pub client_secret: String,
    pub access_key_id: String,
    pub access_key_secret: String,
    /// An origin without a trailing slash.
    pub issuer: String,
    pub user_id: Option<String>,
    pub agent_id: Option<String>,
    /// Like `v27.0`.
    pub api_version: String,
    pub relay: Relay,
    pub timeout_secs: u32,
}

/// Proof that [`Inputs`] came from [`Form::validate`]: nothing outside this module can make one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Checked;

impl Inputs {
    /// The host the guide profile calls for `environment` (the API host override wins).
    pub fn guide_host(&self, environment: Environment) -> String {
        if let Some(host) = &self.api_host {
            return host.clone();
        }
        match environment {
            Environment::Prod => format!("https://{}.nicecxone.com", self.tenant),
            Environment::Devtest => format!("https://{}.devtest.nicecxone.com", self.tenant),
        }
    }

    /// Where the credentials are sent to obtain a token.
    pub fn token_url(&self) -> String {
        match self.profile {
            Profile::Guide => format!("{}/oauth/token", self.guide_host(self.environment)),
            Profile::Platform => format!("{}/auth/token", self.issuer),
        }
    }

    /// Every secret the person typed, for redaction of anything shown or exported.
    pub fn secrets(&self) -> Vec<&str> {
        [self.client_secret.as_str(), self.access_key_secret.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect()
    }
}

impl fmt::Debug for Inputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inputs")
            .field("profile", &self.profile)
            .field("tenant", &self.tenant)
            .field("environment", &self.environment)
            .field("api_host", &self.api_host)
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(&self.client_secret))
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &redacted(&self.access_key_secret))
            .field("issuer", &self.issuer)
            .field("user_id", &self.user_id)
            .field("agent_id", &self.agent_id)
            .field("api_version", &self.api_version)
            .field("relay", &self.relay)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// Where the credentials would go if Diagnose were pressed now, read leniently from a form that
/// may still be incomplete (the page shows it above the button at all times).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    /// The exact token URL, or `None` while the fields that decide it are not valid yet.
    pub token_url: Option<String>,
    /// How the calls travel.
    pub route: Route,
}

/// The path the calls take to the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// No relay: the browser calls the API host itself.
    Direct,
    /// Through the relay at this origin.
    Relay(String),
    /// The relay field is not valid yet.
    Unknown,
}

impl Form {
    /// Where the credentials would be sent; `page_url` resolves a relative relay.
    pub fn destination(&self, page_url: &str) -> Destination {
        let valid = |field: Field| check_field(self, field).ok();
        let token_url = match self.profile() {
            Profile::Guide => {
                let environment =
                    Environment::parse(self.get(Field::Environment)).unwrap_or_default();
                let host = valid(Field::ApiHost).filter(|h| !h.is_empty()).or_else(|| {
                    valid(Field::Tenant).map(|tenant| match environment {
                        Environment::Prod => format!("https://{tenant}.nicecxone.com"),
                        Environment::Devtest => format!("https://{tenant}.devtest.nicecxone.com"),
                    })
                });
                host.map(|host| format!("{host}/oauth/token"))
            }
            Profile::Platform => valid(Field::Issuer).map(|issuer| format!("{issuer}/auth/token")),
        };
        let route = match Relay::parse(self.get(Field::Relay)) {
            Ok(relay) => relay.origin(page_url).map_or(Route::Direct, Route::Relay),
            Err(_) => Route::Unknown,
        };
        Destination { token_url, route }
    }
}
