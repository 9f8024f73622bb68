//! Property tests of the form's validators: no string makes them panic, and whatever they accept
//! has the shape the rest of the page relies on (a tenant is one DNS label, an API host is an
//! origin, plain http only on loopback). Native only (proptest).
#![cfg(not(target_arch = "wasm32"))]

use agent_state_doctor::inputs::{check_origin, check_tenant, Field, Form};
use agent_state_doctor::relay::Relay;
use agent_state_doctor::url::AbsoluteUrl;
use proptest::prelude::*;

fn is_dns_label(text: &str) -> bool {
    (1..=63).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts
            .iter()
            .all(|p| p.parse::<u8>().is_ok() && (p.len() == 1 || !p.starts_with('0')))
}

/// Strings that often look like a tenant, and any string at all.
fn tenant_like() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9-]{0,70}", "[a-zA-Z0-9 ._/:-]{0,20}", "\\PC{0,20}"]
}

/// Strings that often look like an origin, and any string at all.
fn origin_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "(https?|HTTPS|ftp)://[a-z0-9.\\-]{0,20}(:[0-9]{0,6})?(/[a-z?#]{0,4})?",
        "http://(127|0127|localhost|\\[::1\\])[a-z0-9.]{0,12}(:[0-9]{1,5})?",
        "https?://[a-z@:\\[\\]0-9.]{0,16}",
        "\\PC{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn a_validated_tenant_is_one_dns_label(text in tenant_like()) {
        if let Ok(tenant) = check_tenant(&text) {
            prop_assert!(is_dns_label(&tenant), "{tenant:?}");
            prop_assert_eq!(&tenant, &text, "accepted as typed");
        }
    }

    #[test]
    fn a_validated_api_host_is_an_origin(text in origin_like()) {
        if let Ok(origin) = check_origin(&text) {
            let url = AbsoluteUrl::parse(&origin).expect("an accepted origin parses");
            prop_assert_eq!(&url.rest, "");
            prop_assert_eq!(url.origin(), origin.clone());
            prop_assert!(url.scheme == "https" || (url.scheme == "http" && is_loopback(&url.host)), "{origin}");
            prop_assert_eq!(check_origin(&origin), Ok(origin.clone()), "checking again changes nothing");
            prop_assert!(!origin.contains('@'), "no user info: {}", origin);
        }
    }

    #[test]
    fn an_accepted_relay_never_sends_plain_http_off_loopback(text in origin_like()) {
        if let Ok(Relay::Via(template)) = Relay::parse(&text) {
            if let Ok(url) = AbsoluteUrl::parse(&template) {
                prop_assert!(url.scheme == "https" || is_loopback(&url.host), "{template}");
            }
        }
    }

    #[test]
    fn validation_never_panics_and_accepted_inputs_are_well_formed(
        values in prop::collection::vec("\\PC{0,24}", Field::ALL.len()),
        tenant in tenant_like(),
        host in origin_like(),
        profile in prop::sample::select(vec!["guide", "platform", "other"]),
    ) {
        let mut form = Form::default();
        for (field, value) in Field::ALL.into_iter().zip(&values) {
            form.set(field, value);
        }
        form.set(Field::Profile, profile);
        form.set(Field::Tenant, &tenant);
        form.set(Field::ApiHost, &host);
        for field in Field::ALL {
            let _ = form.error_for(field);
        }
        let _ = form.destination("https://page.example/doctor/");
        if let Ok(inputs) = form.validate() {
            prop_assert!(inputs.tenant.is_empty() || is_dns_label(&inputs.tenant));
            if let Some(host) = &inputs.api_host {
                prop_assert_eq!(check_origin(host), Ok(host.clone()));
            }
            prop_assert_eq!(check_origin(&inputs.issuer), Ok(inputs.issuer.clone()));
            prop_assert!((1..=120).contains(&inputs.timeout_secs));
            for id in [&inputs.user_id, &inputs.agent_id].into_iter().flatten() {
                prop_assert!(!id.chars().any(|c| c.is_whitespace() || "/?#".contains(c)), "{id:?}");
            }
            prop_assert!(inputs.token_url().starts_with("http"));
        }
    }
}
