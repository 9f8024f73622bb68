//! Mounts the page; everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    use agent_state_doctor::{net, ui::App};
    use leptos::prelude::*;
    agent_state_doctor::ui::show_panics_on_the_page();
    // The site's config.json comes first: it sets the defaults that links are read over.
    wasm_bindgen_futures::spawn_local(async {
        let site = net::load_site_config().await;
        // The "Loading…" placeholder in index.html stays only if WebAssembly never starts.
        if let Some(boot) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("boot"))
        {
            boot.remove();
        }
        leptos::mount::mount_to_body(move || view! { <App site=site.clone() /> });
        // For the benchmark: navigation to a usable form.
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark("doctor:usable");
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Agent State Doctor is a web page: build it with `trunk build` (see README.md).");
    std::process::exit(2);
}
