//! The few places the page touches the browser directly: the address bar and the clipboard.

use wasm_bindgen::JsValue;

/// The page's full address (`location.href`), used to resolve relative relay templates.
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// The query string and fragment of the address bar, each with its leading `?`/`#`.
pub fn query_and_fragment() -> (String, String) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return (String::new(), String::new());
    };
    (
        location.search().unwrap_or_default(),
        location.hash().unwrap_or_default(),
    )
}

/// The address of this page without query or fragment: where a copied link points.
pub fn page_address() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    )
}

/// Rewrites the address bar without reloading and without adding a history entry.
pub fn replace_address(query: &str, fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let mut url = path;
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    if !fragment.is_empty() {
        url.push('#');
        url.push_str(fragment);
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Puts `text` on the clipboard; answers whether the browser accepted it.
pub async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// True when the page runs inside a frame (`window.top !== window.self`): a page laid over it
/// could steer clicks, so the destination cannot be confirmed there. Unknown counts as framed.
pub fn is_framed() -> bool {
    let Some(window) = web_sys::window() else {
        return true;
    };
    match window.top() {
        Ok(Some(top)) => JsValue::from(top) != JsValue::from(window),
        Ok(None) | Err(_) => true,
    }
}

/// Where keyboard focus is now: in a text entry (an input that takes text, a textarea, an
/// editable element), or elsewhere. The session decides what that means for a result.
pub fn focus_now() -> crate::session::FocusNow {
    use crate::session::FocusNow;
    use wasm_bindgen::JsCast;
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let Some(active) = active else {
        return FocusNow::Elsewhere;
    };
    let typing = match active.tag_name().to_ascii_lowercase().as_str() {
        "textarea" => true,
        "input" => active
            .dyn_ref::<web_sys::HtmlInputElement>()
            .map(|i| i.type_())
            .is_some_and(|t| {
                !matches!(
                    t.as_str(),
                    "button" | "submit" | "reset" | "checkbox" | "radio" | "file" | "image"
                )
            }),
        _ => active
            .dyn_ref::<web_sys::HtmlElement>()
            .is_some_and(|e| e.is_content_editable()),
    };
    if typing {
        FocusNow::TextEntry
    } else {
        FocusNow::Elsewhere
    }
}

/// Once the page has drawn what the last change asked for (after Leptos' effects), scrolls the
/// element with `id` to the top of the view and moves focus to it.
pub fn bring_into_view(id: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            element.scroll_into_view();
            let _ = element.focus();
        }
    });
}
