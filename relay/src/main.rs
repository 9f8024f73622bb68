//! `doctor-relay`: the reference CORS relay for Agent State Doctor.

use agent_state_doctor_relay::{serve, Allowlist, Config, LogSink};
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
                               *.nice-incontact.com); the word `default` adds them back.
                               PATTERN is [scheme://]host[:port]: https unless http:// is written,
                               the scheme's default port unless :PORT or :* is written, and a
                               leading *. matches any subdomain.
                               Examples: *.nicecxone.com  acme.example.com:8443  http://127.0.0.1:*
    --upstream-timeout SECS    Time limit for one call to the target [default: 20]
    --max-body BYTES           Largest request body relayed, else 413 [default: 65536]
    --max-response BYTES       Largest answer body passed back, else 502 [default: 1048576]
    --upstream-override ORIGIN FOR TESTS AND DEMOS ONLY: send every allowed call to ORIGIN (such as
                               http://127.0.0.1:9000) instead, keeping path and query; the original
                               host goes in X-Forwarded-Host and the full target in X-Relay-Target
    --quiet                    No per-request log lines
    -h, --help                 This help
    -V, --version              The version

ENVIRONMENT:
    DOCTOR_RELAY_ALLOW         Comma-separated allow patterns, added to the --allow ones

ROUTES:
    GET /healthz                          200 {\"relay\":\"agent-state-doctor-relay\",...}
    /relay/https://host/path?query        relay (prefix style; also at the root)
    /relay/?url=<percent-encoded URL>     relay ({url} style; also at the root)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let env_allow = std::env::var("DOCTOR_RELAY_ALLOW").ok();
    let options = match parse_args(&args, env_allow.as_deref()) {
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

#[derive(Debug)]
enum Command {
    Help,
    Version,
    Run(Box<Options>),
}

#[derive(Debug)]
struct Options {
    listen: SocketAddr,
    config: Config,
}

fn parse_args(args: &[String], env_allow: Option<&str>) -> Result<Command, String> {
    let mut listen: SocketAddr = "127.0.0.1:8080".parse().expect("default address");
    let mut config = Config::default();
    let mut patterns: Vec<String> = env_allow
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
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
            "--upstream-timeout" => {
                let v = value(flag)?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                    .ok_or_else(|| {
                        format!("--upstream-timeout {v:?} is not a number of seconds (0-3600]")
                    })?;
                config.upstream_timeout = Duration::from_secs_f64(secs);
            }
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
    Ok(Command::Run(Box::new(Options { listen, config })))
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

    fn run_options(list: &[&str], env: Option<&str>) -> Options {
        match parse_args(&args(list), env).unwrap() {
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
            "a.example.com, b.example.com, http://127.0.0.1:*, *.nicecxone.com, *.niceincontact.com, *.nice-incontact.com"
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
        ] {
            assert!(parse_args(&args(bad), None).is_err(), "{bad:?}");
        }
        assert!(matches!(
            parse_args(&args(&["--help"]), None),
            Ok(Command::Help)
        ));
    }
}
