//! Agent State Doctor: diagnoses why a NICE CXone agent shows as "not logged in".
//!
//! The pure modules (inputs, links, relay templates) build and test natively; the page itself
//! (`ui`) is compiled only for the browser.

pub mod config;
pub mod engine;
pub mod inputs;
pub mod link;
pub mod percent;
pub mod profile;
pub mod rehearsal;
pub mod relay;
pub mod report;
pub mod session;
pub mod sim;
pub mod sorting;
pub mod team;
pub mod url;

#[cfg(target_arch = "wasm32")]
pub mod chunks;
#[cfg(target_arch = "wasm32")]
pub mod net;
#[cfg(target_arch = "wasm32")]
pub mod run;
#[cfg(target_arch = "wasm32")]
pub mod sweep_run;
#[cfg(target_arch = "wasm32")]
pub mod timings;
#[cfg(target_arch = "wasm32")]
pub mod ui;

/// The page's version, shown in the footer and in reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
