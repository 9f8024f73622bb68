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
    sim-tenant [--listen 127.0.0.1:9000] [--cors] [--quiet]

OPTIONS:
    --listen ADDR   Address to listen on [default: 127.0.0.1:9000]
    --cors          Send CORS headers (a real tenant does not; the relay adds them)
    --quiet         No per-request log lines
    -h, --help      This help
";

fn main() -> ExitCode {
    let mut listen: SocketAddr = "127.0.0.1:9000".parse().expect("default address");
    let mut options = SimOptions::default();
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
            "--quiet" => options.log = LogSink::off(),
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
