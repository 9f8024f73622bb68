//! `doctor-relay`: the reference CORS relay for Agent State Doctor.

use agent_state_doctor_relay::{serve, Allowlist, Config, LogSink, OriginList};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use url::Url;

const HELP: &str = "\
doctor-relay: the reference CORS relay for Agent State Doctor

USAGE:
    doctor-relay [OPTIONS]

OPTIONS:
    --listen ADDR              Address to listen on [default: 127.0.0.1:8080]
    --serve DIR                Also serve the built page from DIR (index.html for /), so page and
                               relay share one origin and the page's default relay /relay/ works
    --allow PATTERN            Relay to targets matching PATTERN; repeat for more. Replaces the
                               defaults (*.nicecxone.com, *.niceincontact.com,
                               *.nice-incontact.com, and the sovereign clouds
                               nicecxone-sov1.au and .eu with their subdomains);
                               the word `default` adds them back.
                               PATTERN is [scheme://]host[:port]: https unless http:// is written,
                               the scheme's default port unless :PORT or :* is written, and a
                               leading *. matches any subdomain.
                               Examples: *.nicecxone.com  acme.example.com:8443  http://127.0.0.1:*
    --upstream-timeout SECS    Time limit for one call to the target [default: 20]
    --max-body BYTES           Largest request body relayed, else 413 [default: 65536]
    --max-response BYTES       Largest answer body passed back, else 502 [default: 1048576]
    --allow-origin ORIGIN      Also take calls from pages at ORIGIN (https://intranet.example,
                               http://127.0.0.1:3000); repeat for more. The page's own origin (the
                               one the relay is reached at) is always taken; `null` (the page
                               opened from disk) is taken only when no --allow-origin is given,
                               or when listed; `*` takes any page. Others get 403 forbidden-origin.
    --upstream-override ORIGIN FOR TESTS AND DEMOS ONLY: send every allowed call to ORIGIN (such as
                               http://127.0.0.1:9000) instead, keeping path and query; the original
                               host goes in X-Forwarded-Host and the full target in X-Relay-Target
    --quiet                    No per-request log lines
    --page-csp DIR             Print the Content-Security-Policy that --serve DIR sends with
                               DIR/index.html (its inline scripts' hashes, the relay named in
                               DIR/config.json) and exit: paste it into another web server
    --health-check URL         Ask URL (such as http://127.0.0.1:8080/healthz) and exit 0 if it
                               answers 200, else 1 (for container health checks)
    -h, --help                 This help
    -V, --version              The version

LIMITS (as nginx has them; SECS may be a fraction such as 0.5):
    --header-timeout SECS      A request's header must arrive within SECS, counted from the
                               connection's start or the request's first byte [default: 10]
    --body-timeout SECS        A request body must arrive within SECS, else 408 [default: 10]
    --idle-timeout SECS        A kept-alive connection is closed after SECS without a request
                               [default: 30]
    --max-connections N        Open connections at most; more get 503 [default: 512]
    --max-headers N            Request header fields at most, else 431 [default: 64]
    --max-header-bytes BYTES   Request header bytes at most, else 431 [default: 16384]
    --max-uri BYTES            Request target (path and query) bytes at most, else 414
                               [default: 8192]
    --rate-limit N             Requests per second per client address (IPv6: per /64), else 429
                               with Retry-After; 0 turns it off. /healthz is not counted.
                               Behind a proxy every client has the proxy's address: limit
                               there instead. [default: 20]
    --rate-burst N             Requests a client may make at once before the rate applies
                               [default: 200]

ENVIRONMENT:
    DOCTOR_RELAY_ALLOW         Comma-separated allow patterns, added to the --allow ones
    DOCTOR_RELAY_ALLOW_ORIGIN  Comma-separated origins, added to the --allow-origin ones

ROUTES:
    GET /healthz                          200 {\"relay\":\"agent-state-doctor-relay\",...}
    /relay/https://host/path?query        relay (prefix style; also at the root)
    /relay/?url=<percent-encoded URL>     relay ({url} style; also at the root)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let env = Env {
        allow: std::env::var("DOCTOR_RELAY_ALLOW").ok(),
        allow_origin: std::env::var("DOCTOR_RELAY_ALLOW_ORIGIN").ok(),
    };
    let options = match parse_args(&args, &env) {
        Ok(Command::HealthCheck(url)) => return health_check(&url),
        Ok(Command::PageCsp(dir)) => return page_csp(&dir),
        Ok(Command::Help) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("doctor-relay {}", agent_state_doctor_relay::VERSION);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(options)) => *options,
        Err(message) => {
            eprintln!("doctor-relay: {message}\nTry `doctor-relay --help`.");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("doctor-relay: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(options))
}

async fn run(options: Options) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(options.listen).await {
        Ok(l) => l,
        Err(err) => {
            eprintln!("doctor-relay: cannot listen on {}: {err}", options.listen);
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().unwrap_or(options.listen);
    let config = options.config;
    println!(
        "doctor-relay {} listening on http://{address}",
        agent_state_doctor_relay::VERSION
    );
    println!("  relaying to: {}", config.allow);
    println!("  taking calls from: {}", config.allow_origins);
    if let Some(dir) = &config.serve_dir {
        println!("  serving files from {}", dir.display());
    }
    if let Some(origin) = &config.upstream_override {
        println!("  TEST/DEMO MODE: every allowed call goes to {origin} instead");
    }
    match serve(config, listener, shutdown_signal()).await {
        Ok(()) => {
            eprintln!("doctor-relay: stopped");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("doctor-relay: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    eprintln!("doctor-relay: shutting down");
}

/// `--health-check URL`: exit 0 when URL answers 200 within 5 s.
fn health_check(url: &str) -> ExitCode {
    let check = async {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?;
        let response = client.get(url).send().await.map_err(|e| e.to_string())?;
        match response.status().as_u16() {
            200 => Ok(()),
            other => Err(format!("{url} answered {other}")),
        }
    };
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
        .and_then(|rt| rt.block_on(check));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("doctor-relay: health check failed: {why}");
            ExitCode::FAILURE
        }
    }
}

/// `--page-csp DIR`: the CSP the relay would send with DIR/index.html.
fn page_csp(dir: &std::path::Path) -> ExitCode {
    let html = match std::fs::read(dir.join("index.html")) {
        Ok(html) => html,
        Err(err) => {
            eprintln!("doctor-relay: {}: {err}", dir.join("index.html").display());
            return ExitCode::FAILURE;
        }
    };
    let relay = std::fs::read(dir.join("config.json"))
        .ok()
        .and_then(|text| serde_json::from_slice::<serde_json::Value>(&text).ok())
        .and_then(|config| {
            config
                .get("relay")
                .and_then(|r| r.as_str())
                .and_then(agent_state_doctor_relay::relay_origin)
        });
    println!(
        "{}",
        agent_state_doctor_relay::content_security_policy(Some(&html), relay.as_deref())
    );
    ExitCode::SUCCESS
}

#[derive(Debug)]
enum Command {
    Help,
    Version,
    HealthCheck(String),
    PageCsp(PathBuf),
    Run(Box<Options>),
}

/// The environment variables the options read.
#[derive(Debug, Default)]
struct Env {
    allow: Option<String>,
    allow_origin: Option<String>,
}

fn comma_list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Debug)]
struct Options {
    listen: SocketAddr,
    config: Config,
}

fn parse_args(args: &[String], env: &Env) -> Result<Command, String> {
    let mut listen: SocketAddr = "127.0.0.1:8080".parse().expect("default address");
    let mut config = Config::default();
    let mut patterns = comma_list(env.allow.as_deref());
    let mut origins = comma_list(env.allow_origin.as_deref());
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--quiet" => config.log = LogSink::off(),
            "--listen" => {
                let v = value(flag)?;
                listen = v.parse().map_err(|_| {
                    format!("--listen {v:?} is not an address such as 127.0.0.1:8080")
                })?;
            }
            "--serve" => {
                let dir = PathBuf::from(value(flag)?);
                if !dir.is_dir() {
                    return Err(format!("--serve {}: not a folder", dir.display()));
                }
                config.serve_dir = Some(dir);
            }
            "--allow" => patterns.push(value(flag)?),
            "--allow-origin" => origins.push(value(flag)?),
            "--health-check" => return Ok(Command::HealthCheck(value(flag)?)),
            "--page-csp" => return Ok(Command::PageCsp(PathBuf::from(value(flag)?))),
            "--header-timeout" => config.limits.header_timeout = seconds(flag, &value(flag)?)?,
            "--body-timeout" => config.limits.body_timeout = seconds(flag, &value(flag)?)?,
            "--idle-timeout" => config.limits.idle_timeout = seconds(flag, &value(flag)?)?,
            "--max-connections" => config.limits.max_connections = bytes(flag, &value(flag)?)?,
            "--max-headers" => config.limits.max_headers = bytes(flag, &value(flag)?)?,
            "--max-header-bytes" => config.limits.max_header_bytes = bytes(flag, &value(flag)?)?,
            "--max-uri" => config.limits.max_uri = bytes(flag, &value(flag)?)?,
            "--rate-limit" => config.limits.rate_per_second = rate(flag, &value(flag)?)?,
            "--rate-burst" => config.limits.rate_burst = bytes(flag, &value(flag)?)? as f64,
            "--upstream-timeout" => config.upstream_timeout = seconds(flag, &value(flag)?)?,
            "--max-body" => config.max_body = bytes(flag, &value(flag)?)?,
            "--max-response" => config.max_upstream_body = bytes(flag, &value(flag)?)?,
            "--upstream-override" => {
                let v = value(flag)?;
                config.upstream_override = Some(parse_origin(&v)?);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    config.allow = Allowlist::parse(&patterns)?;
    config.allow_origins = OriginList::parse(&origins)?;
    Ok(Command::Run(Box::new(Options { listen, config })))
}

fn seconds(flag: &str, v: &str) -> Result<Duration, String> {
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{flag} {v:?} is not a number of seconds (0-3600]"))
}

fn rate(flag: &str, v: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|r| r.is_finite() && *r >= 0.0)
        .ok_or_else(|| format!("{flag} {v:?} is not a number of requests per second (0 = off)"))
}

fn bytes(flag: &str, v: &str) -> Result<usize, String> {
    v.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{flag} {v:?} is not a positive number of bytes"))
}

fn parse_origin(v: &str) -> Result<Url, String> {
    let url = Url::parse(v).map_err(|e| format!("--upstream-override {v:?}: {e}"))?;
    let plain = (url.scheme() == "http" || url.scheme() == "https")
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    if !plain {
        return Err(format!(
            "--upstream-override {v:?} must be an origin such as http://127.0.0.1:9000"
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn run_options(list: &[&str], allow: Option<&str>) -> Options {
        let env = Env {
            allow: allow.map(str::to_string),
            allow_origin: None,
        };
        match parse_args(&args(list), &env).unwrap() {
            Command::Run(o) => *o,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let o = run_options(&[], None);
        assert_eq!(o.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(o.config.allow, Allowlist::defaults());
        assert_eq!(o.config.upstream_timeout, Duration::from_secs(20));
        assert_eq!(o.config.max_body, 65536);
        assert!(o.config.upstream_override.is_none());
        assert_eq!(o.config.allow_origins, OriginList::defaults());
        assert_eq!(o.config.limits, agent_state_doctor_relay::Limits::default());
    }

    #[test]
    fn limits_and_origins() {
        let env = Env {
            allow: None,
            allow_origin: Some("https://a.example, null".into()),
        };
        let list = [
            "--allow-origin",
            "http://127.0.0.1:3000",
            "--header-timeout",
            "0.3",
            "--body-timeout=2",
            "--idle-timeout",
            "5",
            "--max-connections",
            "7",
            "--max-headers",
            "9",
            "--max-header-bytes",
            "1000",
            "--max-uri",
            "2000",
            "--rate-limit",
            "0",
            "--rate-burst",
            "3",
        ];
        let Command::Run(o) = parse_args(&args(&list), &env).unwrap() else {
            panic!()
        };
        let l = &o.config.limits;
        assert_eq!(l.header_timeout, Duration::from_millis(300));
        assert_eq!(l.body_timeout, Duration::from_secs(2));
        assert_eq!(l.idle_timeout, Duration::from_secs(5));
        assert_eq!(
            (
                l.max_connections,
                l.max_headers,
                l.max_header_bytes,
                l.max_uri
            ),
            (7, 9, 1000, 2000)
        );
        assert_eq!((l.rate_per_second, l.rate_burst), (0.0, 3.0));
        assert_eq!(
            o.config.allow_origins,
            OriginList::parse(&["https://a.example", "null", "http://127.0.0.1:3000"]).unwrap()
        );
        assert!(matches!(
            parse_args(
                &args(&["--health-check", "http://127.0.0.1:1/healthz"]),
                &env
            ),
            Ok(Command::HealthCheck(_))
        ));
    }

    #[test]
    fn help_names_every_option() {
        for option in [
            "--listen",
            "--serve",
            "--allow ",
            "--allow-origin",
            "--upstream-timeout",
            "--max-body",
            "--max-response",
            "--upstream-override",
            "--quiet",
            "--health-check",
            "--header-timeout",
            "--body-timeout",
            "--idle-timeout",
            "--max-connections",
            "--max-headers",
            "--max-header-bytes",
            "--max-uri",
            "--rate-limit",
            "--rate-burst",
            "DOCTOR_RELAY_ALLOW_ORIGIN",
        ] {
            assert!(HELP.contains(option), "{option} is missing from --help");
        }
    }

    #[test]
    fn flags() {
        let o = run_options(
            &[
                "--listen=0.0.0.0:9999",
                "--allow",
                "http://127.0.0.1:*",
                "--allow=default",
                "--upstream-timeout",
                "1.5",
                "--max-body",
                "10",
                "--upstream-override",
                "http://127.0.0.1:9000",
            ],
            Some("a.example.com, b.example.com"),
        );
        assert_eq!(o.listen.to_string(), "0.0.0.0:9999");
        assert_eq!(
            o.config.allow.to_string(),
            "a.example.com, b.example.com, http://127.0.0.1:*, *.nicecxone.com, *.niceincontact.com, *.nice-incontact.com, nicecxone-sov1.au, *.nicecxone-sov1.au, nicecxone-sov1.eu, *.nicecxone-sov1.eu"
        );
        assert_eq!(o.config.upstream_timeout, Duration::from_millis(1500));
        assert_eq!(o.config.max_body, 10);
        assert_eq!(
            o.config.upstream_override.unwrap().as_str(),
            "http://127.0.0.1:9000/"
        );
    }

    #[test]
    fn mistakes_are_reported() {
        for bad in [
            &["--allow", "*"][..],
            &["--listen", "nowhere"],
            &["--upstream-timeout", "0"],
            &["--max-body", "-1"],
            &["--upstream-override", "http://127.0.0.1:9000/path"],
            &["--bogus"],
            &["--allow"],
            &["--allow", "*.co.uk"],
            &["--allow-origin", "intranet.example"],
            &["--header-timeout", "0"],
            &["--max-connections", "0"],
            &["--rate-limit", "-1"],
        ] {
            assert!(parse_args(&args(bad), &Env::default()).is_err(), "{bad:?}");
        }
        assert!(matches!(
            parse_args(&args(&["--help"]), &Env::default()),
            Ok(Command::Help)
        ));
    }
}
