//! The form's rules: what each field accepts, how links fill the form, how relays are resolved.
//! Runs natively (`cargo test`) and in headless Chromium (wasm-bindgen-test).

use agent_state_doctor::inputs::{Environment, Field, Form, Profile};
use agent_state_doctor::link;
use agent_state_doctor::relay::Relay;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn filled() -> Form {
    let mut form = Form::default();
    form.set(Field::Tenant, "acme");
    form.set(Field::ClientId, "client-1");
    form.set(Field::ClientSecret, "s3cr3t-value");
    form.set(Field::UserId, "11111111-2222-3333-4444-555555555555");
    form
}

fn error(form: &Form, field: Field) -> String {
    form.error_for(field)
        .unwrap_or_else(|| panic!("expected a message for {}", field.name()))
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_complete_guide_form_is_accepted_with_its_token_url() {
    let inputs = filled().validate().expect("valid form");
    assert_eq!(inputs.profile, Profile::Guide);
    assert_eq!(inputs.environment, Environment::Prod);
    assert_eq!(inputs.token_url(), "https://acme.nicecxone.com/oauth/token");
    assert_eq!(
        inputs.guide_host(Environment::Devtest),
        "https://acme.devtest.nicecxone.com"
    );
    assert_eq!(inputs.relay, Relay::Direct);
    assert_eq!(inputs.timeout_secs, 15);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tenant_must_be_one_dns_label() {
    for bad in [
        "",
        "acme.nicecxone.com",
        "Acme",
        "ac me",
        "ac_me",
        "-acme",
        "acme-",
        "https://acme",
        &"a".repeat(64),
    ] {
        let mut form = filled();
        form.set(Field::Tenant, bad);
        assert!(form.validate().is_err(), "{bad:?} should be refused");
        let message = error(&form, Field::Tenant);
        assert!(!message.is_empty());
        assert_eq!(form.get(Field::Tenant), bad, "the typed value is kept");
    }
    for good in ["acme", "a", "acme-eu-2", "123", &"a".repeat(63)] {
        let mut form = filled();
        form.set(Field::Tenant, good);
        assert_eq!(
            form.error_for(Field::Tenant),
            None,
            "{good:?} should be accepted"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tenant_messages_say_how_to_fix_it() {
    let mut form = filled();
    form.set(Field::Tenant, "Acme");
    assert!(error(&form, Field::Tenant).contains("acme"));
    form.set(Field::Tenant, "acme.nicecxone.com");
    assert!(
        error(&form, Field::Tenant).contains("type acme")
            || error(&form, Field::Tenant).contains("without dots")
    );
    form.set(Field::Tenant, "ac me");
    assert!(error(&form, Field::Tenant).contains("space"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn api_host_is_an_origin_and_http_only_for_localhost() {
    let mut form = filled();
    for (typed, origin) in [
        ("https://api.example.com", "https://api.example.com"),
        (
            "https://API.example.com:8443/",
            "https://api.example.com:8443",
        ),
        ("http://localhost:9000", "http://localhost:9000"),
        ("http://127.0.0.1:18080", "http://127.0.0.1:18080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ] {
        form.set(Field::ApiHost, typed);
        let inputs = form.validate().unwrap_or_else(|e| panic!("{typed}: {e:?}"));
        assert_eq!(inputs.api_host.as_deref(), Some(origin));
        assert_eq!(inputs.token_url(), format!("{origin}/oauth/token"));
    }
    for bad in [
        "http://api.example.com",
        "api.example.com",
        "https://api.example.com/v2",
        "https://u:p@api.example.com",
        "ftp://x",
        "https://x:99999",
    ] {
        form.set(Field::ApiHost, bad);
        assert!(
            form.error_for(Field::ApiHost).is_some(),
            "{bad:?} should be refused"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn api_host_makes_the_tenant_optional() {
    let mut form = filled();
    form.set(Field::Tenant, "");
    assert!(form.error_for(Field::Tenant).is_some());
    form.set(Field::ApiHost, "http://127.0.0.1:18080");
    assert!(form.validate().is_ok());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_is_empty_a_url_a_template_or_a_relative_path() {
    let mut form = filled();
    for good in [
        "",
        "https://relay.example/",
        "https://relay.example/?url={url}",
        "/relay/",
        "./relay/",
        "http://localhost:8080/",
    ] {
        form.set(Field::Relay, good);
        assert_eq!(
            form.error_for(Field::Relay),
            None,
            "{good:?} should be accepted"
        );
    }
    for bad in [
        "relay.example",
        "http://relay.example/",
        "https://r.example/?a={url}&b={url}",
        "https://relay .example/",
        "//relay.example/",
    ] {
        form.set(Field::Relay, bad);
        assert!(
            form.error_for(Field::Relay).is_some(),
            "{bad:?} should be refused"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn relay_templates_wrap_the_target_url() {
    let target = "https://acme.nicecxone.com/oauth/token";
    let page = "https://intranet.example/tools/doctor/index.html?x=1#tenant=acme";
    assert_eq!(Relay::Direct.wrap(target, page), target);
    let prefix = Relay::parse("https://r.example/").unwrap();
    assert_eq!(
        prefix.wrap(target, page),
        "https://r.example/https://acme.nicecxone.com/oauth/token"
    );
    let template = Relay::parse("https://r.example/?url={url}").unwrap();
    assert_eq!(
        template.wrap(target, page),
        "https://r.example/?url=https%3A%2F%2Facme.nicecxone.com%2Foauth%2Ftoken"
    );
    assert_eq!(
        Relay::parse("/relay/").unwrap().wrap(target, page),
        format!("https://intranet.example/relay/{target}")
    );
    assert_eq!(
        Relay::parse("./relay/").unwrap().wrap(target, page),
        format!("https://intranet.example/tools/doctor/relay/{target}")
    );
    assert_eq!(
        Relay::parse("../relay/").unwrap().wrap(target, page),
        format!("https://intranet.example/tools/relay/{target}")
    );
    assert_eq!(
        Relay::parse("/r?u={url}").unwrap().origin(page).as_deref(),
        Some("https://intranet.example")
    );
    assert_eq!(template.origin(page).as_deref(), Some("https://r.example"));
    assert_eq!(Relay::Direct.origin(page), None);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn user_or_agent_id_is_needed_and_both_are_kept() {
    let mut form = filled();
    form.set(Field::UserId, "");
    assert!(form.error_for(Field::UserId).is_some());
    form.set(Field::AgentId, "4021");
    let inputs = form.validate().expect("an agent ID alone is enough");
    assert_eq!(
        (inputs.user_id, inputs.agent_id.as_deref()),
        (None, Some("4021"))
    );
    form.set(Field::UserId, "u 1");
    assert!(form.error_for(Field::UserId).is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn secrets_are_required_kept_verbatim_and_never_printed() {
    let mut form = filled();
    form.set(Field::ClientSecret, " padded secret ");
    let inputs = form.validate().unwrap();
    assert_eq!(inputs.client_secret, " padded secret ");
    assert!(!format!("{inputs:?}").contains("padded secret"));
    assert!(!format!("{form:?}").contains("padded secret"));
    form.set(Field::ClientSecret, "");
    assert!(form.error_for(Field::ClientSecret).is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn platform_profile_needs_access_keys_not_a_tenant() {
    let mut form = filled();
    form.set(Field::Profile, "platform");
    form.set(Field::Tenant, "");
    assert_eq!(form.error_for(Field::Tenant), None);
    assert!(form.error_for(Field::AccessKeyId).is_some());
    assert!(form.error_for(Field::AccessKeySecret).is_some());
    form.set(Field::AccessKeyId, "AK123");
    form.set(Field::AccessKeySecret, "ak-secret");
    form.set(Field::ApiVersion, "26");
    let inputs = form.validate().expect("valid platform form");
    assert_eq!(
        inputs.token_url(),
        "https://cxone.niceincontact.com/auth/token"
    );
    assert_eq!(inputs.api_version, "v26.0");
    form.set(Field::Issuer, "https://cxone-gov.niceincontact.com/");
    assert_eq!(
        form.validate().unwrap().token_url(),
        "https://cxone-gov.niceincontact.com/auth/token"
    );
    form.set(Field::Issuer, "http://cxone.niceincontact.com");
    assert!(form.error_for(Field::Issuer).is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn timeout_is_whole_seconds_from_1_to_120() {
    let mut form = filled();
    for bad in ["0", "121", "abc", "1.5"] {
        form.set(Field::Timeout, bad);
        assert!(form.error_for(Field::Timeout).is_some(), "{bad:?}");
    }
    form.set(Field::Timeout, "30");
    assert_eq!(form.validate().unwrap().timeout_secs, 30);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_link_fills_the_form_from_fragment_and_query() {
    let read = link::read(
        "?tenant=fromquery&user=q",
        "#tenant=acme&env=devtest&user=u%201&relay=%2Frelay%2F",
        &Form::default(),
    );
    assert_eq!(
        read.form.get(Field::Tenant),
        "acme",
        "the fragment wins over the query"
    );
    assert_eq!(read.form.get(Field::Environment), "devtest");
    assert_eq!(read.form.get(Field::UserId), "u 1");
    assert_eq!(read.form.get(Field::Relay), "/relay/");
    assert!(read.routes_credentials());
    assert!(!read.had_secret);
    let plain = link::read("", "tenant=acme", &Form::default());
    assert!(!plain.routes_credentials());
    assert_eq!(
        plain.form.get(Field::Environment),
        "prod",
        "unset fields keep their defaults"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_secret_in_a_link_is_ignored_and_scrubbed() {
    let read = link::read(
        "?client_secret=q1",
        "#tenant=acme&Secret=abc&access_key_secret=k&user=u",
        &Form::default(),
    );
    assert!(read.had_secret);
    assert_eq!(read.form.get(Field::ClientSecret), "");
    assert_eq!(read.form.get(Field::AccessKeySecret), "");
    let (query, fragment) = link::scrub(
        "?client_secret=q1&x=1",
        "#tenant=acme&Secret=abc&access_key_secret=k&user=u",
    );
    assert_eq!(query, "x=1");
    assert_eq!(fragment, "tenant=acme&user=u");
    assert!(!link::read("", "", &Form::default()).had_secret);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn copy_link_round_trips_without_the_secret() {
    let mut form = filled();
    form.set(Field::Environment, "devtest");
    form.set(Field::AgentId, "4021");
    form.set(Field::Relay, "https://r.example/?url={url}&x=1");
    form.set(Field::ApiHost, "http://127.0.0.1:18080");
    let fragment = link::write(&form);
    assert!(!fragment.contains("s3cr3t"), "{fragment}");
    assert!(!fragment.contains("secret"), "{fragment}");
    let back = link::read("", &fragment, &Form::default()).form;
    for field in Field::ALL {
        if field.is_secret() {
            assert_eq!(back.get(field), "");
        } else {
            assert_eq!(back.get(field), form.get(field), "{}", field.name());
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_platform_link_round_trips_its_own_fields() {
    let mut form = filled();
    form.set(Field::Profile, "platform");
    form.set(Field::AccessKeyId, "AK 1");
    form.set(Field::AccessKeySecret, "never-in-links");
    form.set(Field::Issuer, "https://cxone-gov.niceincontact.com");
    form.set(Field::ApiVersion, "v31.0");
    let fragment = link::write(&form);
    assert!(fragment.starts_with("profile=platform"));
    assert!(!fragment.contains("never-in-links"));
    let back = link::read("", &fragment, &Form::default());
    assert!(
        back.routes_credentials(),
        "an issuer in a link decides where credentials go"
    );
    for field in [
        Field::Profile,
        Field::AccessKeyId,
        Field::Issuer,
        Field::ApiVersion,
        Field::UserId,
        Field::ClientId,
    ] {
        assert_eq!(back.form.get(field), form.get(field), "{}", field.name());
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_destination_shows_where_credentials_go_even_while_incomplete() {
    use agent_state_doctor::inputs::{Destination, Route};
    let page = "https://intranet.example/tools/doctor/";
    let mut form = Form::default();
    assert_eq!(
        form.destination(page),
        Destination {
            token_url: None,
            route: Route::Direct
        }
    );
    form.set(Field::Tenant, "acme");
    form.set(Field::Environment, "devtest");
    form.set(Field::Relay, "/relay/");
    assert_eq!(
        form.destination(page),
        Destination {
            token_url: Some("https://acme.devtest.nicecxone.com/oauth/token".into()),
            route: Route::Relay("https://intranet.example".into()),
        }
    );
    form.set(Field::ApiHost, "https://api.example.com");
    form.set(Field::Relay, "nonsense");
    assert_eq!(
        form.destination(page).token_url.as_deref(),
        Some("https://api.example.com/oauth/token")
    );
    assert_eq!(form.destination(page).route, Route::Unknown);
    form.set(Field::Profile, "platform");
    assert_eq!(
        form.destination(page).token_url.as_deref(),
        Some("https://cxone.niceincontact.com/auth/token")
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_link_naming_the_sites_own_relay_needs_no_confirmation() {
    use agent_state_doctor::config::SiteConfig;
    let site =
        SiteConfig::parse(r#"{"relay": "/relay/", "timeout": 30, "environment": "devtest"}"#);
    assert_eq!(site.problems, Vec::<String>::new());
    assert_eq!(site.defaults.get(Field::Relay), "/relay/");
    assert_eq!(site.defaults.get(Field::Timeout), "30");
    assert_eq!(site.defaults.get(Field::Environment), "devtest");
    assert!(!link::read("", "tenant=acme&relay=%2Frelay%2F", &site.defaults).routes_credentials());
    assert!(link::read(
        "",
        "tenant=acme&relay=https%3A%2F%2Fother.example%2F",
        &site.defaults
    )
    .routes_credentials());
    assert!(link::read(
        "",
        "tenant=acme&host=https%3A%2F%2Fapi.example.com",
        &site.defaults
    )
    .routes_credentials());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_wrong_site_config_is_reported_and_ignored_value_by_value() {
    use agent_state_doctor::config::SiteConfig;
    let site = SiteConfig::parse(
        r#"{"relay": "relay.example", "timeout": 999, "colour": "blue", "profile": "platform", "issuer": "https://cxone-gov.niceincontact.com"}"#,
    );
    assert_eq!(site.problems.len(), 3, "{:?}", site.problems);
    assert!(site.problems.iter().any(|p| p.contains("relay")));
    assert!(site.problems.iter().any(|p| p.contains("timeout")));
    assert!(site.problems.iter().any(|p| p.contains("colour")));
    assert_eq!(site.defaults.get(Field::Relay), "");
    assert_eq!(site.defaults.get(Field::Timeout), "15");
    assert_eq!(site.defaults.get(Field::Profile), "platform");
    assert_eq!(
        site.defaults.get(Field::Issuer),
        "https://cxone-gov.niceincontact.com"
    );
    assert_eq!(SiteConfig::parse("not json").problems.len(), 1);
    assert_eq!(SiteConfig::parse("[1]").defaults, Form::default());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_single_files_config_block_may_be_empty_and_is_named_in_problems() {
    assert_eq!(
        agent_state_doctor::config::SiteConfig::parse_named(" \n", "the site-config block"),
        agent_state_doctor::config::SiteConfig::default()
    );
    let site = agent_state_doctor::config::SiteConfig::parse_named(
        r#"{"colour": "blue"}"#,
        "the site-config block",
    );
    assert_eq!(site.problems.len(), 1);
    assert!(
        site.problems[0].starts_with("the site-config block key \"colour\""),
        "{:?}",
        site.problems
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn only_loopback_literals_and_localhost_may_use_plain_http() {
    let mut form = filled();
    for good in [
        "http://localhost:9000",
        "http://127.0.0.1:8080",
        "http://127.255.3.4",
        "http://[::1]:8080",
    ] {
        form.set(Field::ApiHost, good);
        assert_eq!(form.error_for(Field::ApiHost), None, "{good:?}");
        form.set(Field::Relay, &format!("{good}/relay/"));
        assert_eq!(form.error_for(Field::Relay), None, "{good:?} as relay");
    }
    // Names anyone can register, or spellings a browser reads differently, are not loopback.
    for bad in [
        "http://127.evil.example",
        "http://127.0.0.1.evil.example",
        "http://127.0.0.1evil.example",
        "http://evil.localhost",
        "http://localhost.evil.example",
        "http://127.0.0",
        "http://127.0.0.256",
        "http://0177.0.0.1",
        "http://127.00.0.1",
    ] {
        form.set(Field::ApiHost, bad);
        assert!(
            form.error_for(Field::ApiHost).is_some(),
            "{bad:?} as API host"
        );
        form.set(Field::ApiHost, "");
        form.set(Field::Relay, &format!("{bad}/"));
        assert!(form.error_for(Field::Relay).is_some(), "{bad:?} as relay");
        form.set(Field::Relay, "");
    }
}

/// Every spelling of a secret key a browser or a careless hand may produce.
const SECRET_SPELLINGS: [&str; 12] = [
    "client_secret=LEAKED1",
    "client_secret%3DLEAKED1",
    "client_secret%253DLEAKED1",
    "client_secret[]=LEAKED1",
    "client_secret%5B%5D=LEAKED1",
    "client%5Fsecret=LEAKED1",
    "client%255Fsecret=LEAKED1",
    "Client_Secret=LEAKED1",
    "%20client_secret%09=LEAKED1",
    "client+secret=LEAKED1",
    "ACCESS_KEY_SECRET=LEAKED1",
    "clientSecret=LEAKED1",
];

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_secret_key_in_any_spelling_is_ignored_scrubbed_and_never_echoed() {
    for spelling in SECRET_SPELLINGS {
        for (query, fragment) in [
            (String::new(), format!("tenant=acme&{spelling}&user=u")),
            (String::new(), format!("tenant=acme;{spelling};user=u")),
            (format!("?{spelling}"), "#tenant=acme&user=u".to_string()),
        ] {
            let read = link::read(&query, &fragment, &Form::default());
            assert!(read.had_secret, "{spelling} in {query}{fragment}");
            assert_eq!(read.form.get(Field::ClientSecret), "");
            assert_eq!(read.form.get(Field::Tenant), "acme", "{fragment}");
            assert_eq!(read.form.get(Field::UserId), "u", "{fragment}");
            for field in Field::ALL {
                assert!(!read.form.get(field).contains("LEAKED1"), "{spelling}");
            }
            assert!(
                read.unknown
                    .iter()
                    .all(|k| !k.to_lowercase().contains("secret")
                        && !k.to_lowercase().contains("leaked")),
                "{spelling}: {:?}",
                read.unknown
            );
            let (q, f) = link::scrub(&query, &fragment);
            assert!(!q.contains("LEAKED1") && !f.contains("LEAKED1"), "{q} {f}");
            assert!(f.contains("tenant=acme"), "other keys stay: {f}");
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_secret_hidden_in_another_keys_value_or_an_endless_encoding_is_dropped() {
    let hidden = link::read(
        "",
        "tenant=acme%26client_secret%3DLEAKED2&user=u",
        &Form::default(),
    );
    assert!(hidden.had_secret);
    assert_eq!(hidden.form.get(Field::Tenant), "");
    let mut key = "client_secret".to_string();
    for _ in 0..8 {
        key = agent_state_doctor::percent::encode(&key);
    }
    let deep = link::read("", &format!("{key}=LEAKED3&tenant=acme"), &Form::default());
    assert!(
        deep.had_secret,
        "a key still encoded after the bound is treated as a secret"
    );
    assert!(deep.unknown.is_empty(), "{:?}", deep.unknown);
    let (_, f) = link::scrub("", &format!("{key}=LEAKED3&tenant=acme"));
    assert_eq!(f, "tenant=acme");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_unknown_keys_notice_shows_plain_names_only() {
    let read = link::read(
        "",
        "tenant=acme&colour=blue&Tenantt=x&%3Cb%3Ehi=1&api_token=abc&my-password=p",
        &Form::default(),
    );
    assert!(read.had_secret, "token and password keys count as secrets");
    assert_eq!(
        read.unknown,
        vec![
            "colour".to_string(),
            "tenantt".into(),
            link::UNREADABLE_KEY.into()
        ]
    );
    // A relay template's own query is no hidden secret.
    let relay = link::read(
        "",
        "relay=https%3A%2F%2Fr.example%2F%3Furl%3D%7Burl%7D",
        &Form::default(),
    );
    assert!(!relay.had_secret);
    assert_eq!(relay.form.get(Field::Relay), "https://r.example/?url={url}");
}
