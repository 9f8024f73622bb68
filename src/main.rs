//! Mounts the page; everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    // The "Loading…" placeholder in index.html stays only if WebAssembly never starts.
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
    leptos::mount::mount_to_body(agent_state_doctor::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Agent State Doctor is a web page: build it with `trunk build` (see README.md).");
    std::process::exit(2);
}
