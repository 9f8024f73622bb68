//! `sim-tenant`: the simulated CXone tenant over HTTP, for end-to-end tests and demos.

use agent_state_doctor_relay::sim_server::{serve, SimOptions};
use agent_state_doctor_relay::LogSink;
use std::net::SocketAddr;
use std::process::ExitCode;

const HELP: &str = "\
sim-tenant: the simulated CXone tenant of Agent State Doctor, over HTTP (tests and demos only)

Every request is answered by the page crate's simulation (agent_state_doctor::sim), one scenario
per verdict, chosen by the token request's client ID (demo-<scenario id>, secret demo-secret).
Usually run behind the relay: doctor-relay --upstream-override http://127.0.0.1:PORT

USAGE:
    sim-tenant [--listen 127.0.0.1:9000] [--cors] [--delay-ms N] [--quiet]
    sim-tenant --scenarios [--api-host ORIGIN] [--relay TEMPLATE]

OPTIONS:
    --listen ADDR   Address to listen on [default: 127.0.0.1:9000]
    --cors          Send CORS headers (a real tenant does not; the relay adds them)
    --delay-ms N    Every answer takes N milliseconds instead of the simulation's own timings
                    (the slow scenario's excepted): a flat round trip for the benchmark,
                    scripts/bench.sh [default: the simulation's timings]
    --quiet         No per-request log lines
    --scenarios     Print every scenario as JSON and exit: its id, the verdict it leads to, the
                    link fragment of its form (secrets never included), and each check's outcome
                    when the engine runs it against this simulation (what a browser must show)
    --api-host URL  With --scenarios: guide forms use this API host override, except the
                    scenarios that need the other environment (they keep the tenant's own hosts);
                    platform forms always keep the issuer and discovery
    --relay T       With --scenarios: forms without a relay of their own use relay template T
    -h, --help      This help
";

fn main() -> ExitCode {
    let mut listen: SocketAddr = "127.0.0.1:9000".parse().expect("default address");
    let mut options = SimOptions::default();
    let mut scenarios = false;
    let mut api_host = None;
    let mut relay = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return ExitCode::SUCCESS;
            }
            "--cors" => options.cors = true,
            "--scenarios" => scenarios = true,
            "--relay" => match inline.or_else(|| args.next()) {
                Some(value) => relay = Some(value),
                None => {
                    eprintln!("sim-tenant: --relay needs a template");
                    return ExitCode::from(2);
                }
            },
            "--api-host" => match inline.or_else(|| args.next()) {
                Some(value) => api_host = Some(value),
                None => {
                    eprintln!("sim-tenant: --api-host needs an origin");
                    return ExitCode::from(2);
                }
            },
            "--quiet" => options.log = LogSink::off(),
            "--delay-ms" => {
                match inline
                    .or_else(|| args.next())
                    .and_then(|v| v.parse::<u64>().ok())
                {
                    Some(ms) => options.delay = Some(std::time::Duration::from_millis(ms)),
                    None => {
                        eprintln!("sim-tenant: --delay-ms needs a number of milliseconds");
                        return ExitCode::from(2);
                    }
                }
            }
            "--listen" => {
                let Some(value) = inline.or_else(|| args.next()) else {
                    eprintln!("sim-tenant: --listen needs an address");
                    return ExitCode::from(2);
                };
                match value.parse() {
                    Ok(addr) => listen = addr,
                    Err(_) => {
                        eprintln!("sim-tenant: --listen {value:?} is not an address such as 127.0.0.1:9000");
                        return ExitCode::from(2);
                    }
                }
            }
            other => {
                eprintln!("sim-tenant: unknown argument {other:?}\nTry `sim-tenant --help`.");
                return ExitCode::from(2);
            }
        }
    }
    if scenarios {
        println!("{}", catalogue(api_host.as_deref(), relay.as_deref()));
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("sim-tenant: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(listen).await {
            Ok(l) => l,
            Err(err) => {
                eprintln!("sim-tenant: cannot listen on {listen}: {err}");
                return ExitCode::FAILURE;
            }
        };
        let address = listener.local_addr().unwrap_or(listen);
        println!(
            "sim-tenant listening on http://{address}{}",
            if options.cors { " (with CORS)" } else { "" }
        );
        tokio::select! {
            result = serve(listener, options) => {
                if let Err(err) = result {
                    eprintln!("sim-tenant: {err}");
                    return ExitCode::FAILURE;
                }
                ExitCode::SUCCESS
            }
            _ = shutdown_signal() => {
                eprintln!("sim-tenant: stopped");
                ExitCode::SUCCESS
            }
        }
    })
}

/// Every scenario with what the browser must show for it, as JSON.
fn catalogue(api_host: Option<&str>, relay: Option<&str>) -> String {
    use agent_state_doctor::inputs::Field;
    use agent_state_doctor::sim::{diagnose_offline, Scenario, SimTenant};
    let cases: Vec<serde_json::Value> = Scenario::ALL
        .iter()
        .map(|&scenario| {
            let mut form = scenario.form();
            // The override replaces the guide's tenant hosts; platform scenarios keep the issuer
            // and discovery, so they run through a relay that sends every host to the simulation.
            let overridable = scenario.profile() == agent_state_doctor::inputs::Profile::Guide
                && !scenario.needs_own_hosts();
            let overridden = match api_host {
                Some(host) if overridable => {
                    form.set(Field::ApiHost, host);
                    true
                }
                _ => false,
            };
            if let Some(relay) = relay.filter(|_| form.get(Field::Relay).is_empty()) {
                form.set(Field::Relay, relay);
            }
            // The page judges token expiry by its own clock; so must this run.
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            let report = diagnose_offline(&form, &mut SimTenant::new(), now_ms);
            let outcomes: serde_json::Map<String, serde_json::Value> = report
                .tree
                .checks
                .iter()
                .map(|node| (node.id.id().to_string(), node.outcome.as_str().into()))
                .collect();
            serde_json::json!({
                "id": scenario.id(),
                "title": scenario.title(),
                "verdict": scenario.verdict().code(),
                "engine_verdict": report.verdict().map(|v| v.code()),
                "over_http": scenario.over_http(),
                "api_host_override": overridden,
                "fragment": agent_state_doctor::link::write(&form),
                // A demo secret, not a real one: the browser test types it as a person would.
                "secret": form.get(Field::ClientSecret),
                "access_key_secret": form.get(Field::AccessKeySecret),
                "profile": scenario.profile().as_str(),
                "outcomes": outcomes,
            })
        })
        .collect();
    serde_json::to_string_pretty(&cases).expect("plain JSON values serialize")
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
