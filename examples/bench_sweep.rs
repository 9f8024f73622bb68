//! The sweep benchmark's request side (issue 14): for 10, 100, 1,000 and 5,000 agents of the
//! simulated sweep tenant (platform profile, "all agents"), the sweep's requests, rounds and time
//! when every request takes 50 ms (a virtual clock: requests out together overlap), and the same
//! for diagnosing one agent at a time (the real `Diagnosis`, with the token reused, agents one
//! after the other, measured on a sample of agents and scaled). Also the engine's own CPU time.
//!
//! `cargo run --release --example bench_sweep [-- --json]`; `scripts/bench-sweep.mjs` adds the
//! page's CPU time and memory measured in Chromium.

use agent_state_doctor::engine::{
    Diagnosis, Request, Step, Sweep, SweepStep, SweepTarget, Verdict,
};
use agent_state_doctor::inputs::{Field, Inputs};
use agent_state_doctor::sim::{sweep_client_id, sweep_user_id, Scenario, SimRequest, SimTenant};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

const LATENCY_MS: u64 = 50;
const NOW: u64 = 1_700_000_000_000;
const SAMPLE: usize = 20;

fn inputs(agents: usize, user: Option<String>) -> Inputs {
    let mut form = Scenario::PlatformLoggedIn.form();
    form.set(Field::ClientId, &sweep_client_id(agents));
    form.set(Field::Relay, "");
    form.set(Field::UserId, user.as_deref().unwrap_or("x"));
    let mut inputs = form.validate().expect("valid");
    if user.is_none() {
        inputs.user_id = None;
    }
    inputs
}

struct Cost {
    requests: u64,
    rounds: u64,
    time_ms: u64,
    cpu_ms: f64,
    rows: usize,
}

/// Runs the sweep on a virtual clock: each request answers `LATENCY_MS` (plus its delay) after
/// it is sent; answers are handed back in time order, the sweep polled after each.
fn sweep(agents: usize) -> Cost {
    let mut tenant = SimTenant::new();
    let mut sweep = Sweep::new(inputs(agents, None), SweepTarget::All, None, NOW);
    let mut clock = 0u64;
    let mut out: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
    let mut pending: Vec<Request> = Vec::new();
    let mut engine = std::time::Duration::ZERO;
    loop {
        let started = Instant::now();
        let step = sweep.poll();
        engine += started.elapsed();
        match step {
            SweepStep::Send(sent) => {
                for r in sent {
                    out.push(Reverse((clock + r.delay_ms + LATENCY_MS, r.id)));
                    pending.push(r);
                }
            }
            SweepStep::Waiting => {
                let Reverse((at, id)) = out.pop().expect("a request out");
                clock = at;
                let i = pending.iter().position(|r| r.id == id).expect("sent");
                let r = pending.swap_remove(i);
                let answer = tenant.answer(&SimRequest::from(&r)).to_answer(r.timeout_ms);
                let started = Instant::now();
                sweep.receive(r.id, answer);
                engine += started.elapsed();
            }
            SweepStep::Done(report) => {
                return Cost {
                    requests: u64::from(report.requests),
                    rounds: u64::from(report.rounds),
                    time_ms: clock,
                    cpu_ms: engine.as_secs_f64() * 1000.0,
                    rows: report.rows.len(),
                }
            }
        }
    }
}

/// One agent after the other, each a full diagnosis (the token of the first reused), on the
/// first `SAMPLE` agents; scaled to `agents`.
fn one_at_a_time(agents: usize) -> Cost {
    let mut tenant = SimTenant::new();
    let sample = agents.min(SAMPLE);
    let (mut requests, mut rounds) = (0u64, 0u64);
    let mut token = None;
    let started = Instant::now();
    for i in 0..sample {
        let mut dx = Diagnosis::new(inputs(agents, Some(sweep_user_id(i))), token.clone(), NOW);
        let report = loop {
            match dx.poll() {
                Step::Send(sent) => {
                    for r in sent {
                        requests += 1;
                        let a = tenant.answer(&SimRequest::from(&r)).to_answer(r.timeout_ms);
                        dx.receive(r.id, a);
                    }
                }
                Step::Waiting => unreachable!("answered at once"),
                Step::Done(report) => break report,
            }
        };
        rounds += u64::from(report.tree.rounds);
        assert_ne!(report.verdict(), Some(Verdict::InvalidInput));
        token = report.token.clone().or(token);
    }
    let cpu = started.elapsed().as_secs_f64() * 1000.0;
    let scale = |v: u64| v * agents as u64 / sample as u64;
    Cost {
        requests: scale(requests),
        rounds: scale(rounds),
        time_ms: scale(rounds) * LATENCY_MS,
        cpu_ms: cpu * agents as f64 / sample as f64,
        rows: agents,
    }
}

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    let mut lines = Vec::new();
    if !json {
        println!("| agents | sweep: requests | rounds | time at 50 ms | engine CPU | rows | one at a time: requests | rounds | time at 50 ms |");
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }
    for agents in [10, 100, 1000, 5000] {
        let s = sweep(agents);
        let o = one_at_a_time(agents);
        if json {
            lines.push(format!(
                "{{\"agents\":{agents},\"sweep\":{{\"requests\":{},\"rounds\":{},\"time_ms\":{},\"engine_cpu_ms\":{:.1},\"rows\":{}}},\"one_at_a_time\":{{\"requests\":{},\"rounds\":{},\"time_ms\":{},\"sampled\":{}}}}}",
                s.requests, s.rounds, s.time_ms, s.cpu_ms, s.rows, o.requests, o.rounds, o.time_ms, agents.min(SAMPLE)
            ));
        } else {
            println!(
                "| {agents} | {} | {} | {:.2} s | {:.0} ms | {} | {} | {} | {:.1} s |",
                s.requests,
                s.rounds,
                s.time_ms as f64 / 1000.0,
                s.cpu_ms,
                s.rows,
                o.requests,
                o.rounds,
                o.time_ms as f64 / 1000.0
            );
        }
        let _ = o.cpu_ms + o.rows as f64;
    }
    if json {
        println!("[{}]", lines.join(","));
    }
}
