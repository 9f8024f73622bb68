//! `doctor-wasm-split <linked.wasm> <out-dir> <main-js-name>`: splits the page's linked
//! WebAssembly (built with `--emit-relocs` and the `split` feature) at its `wasm_split` points.
//!
//! Writes to `<out-dir>`:
//! - `main.wasm`, the module the page starts with, still to be processed by wasm-bindgen;
//! - one `split_<name>_<n>.wasm` per split point name and `chunk_<n>_<...>.wasm` per piece of
//!   code shared by several of them, fetched on demand;
//! - `__wasm_split.js`, the loader the main module imports, which imports `initSync` from
//!   `./<main-js-name>` (wasm-bindgen's module for the main module);
//! - `split.json`: `{ "main": "main.wasm", "chunks": [files], "splits": { name: [files] } }`,
//!   the files each split point needs, for scripts/build-wasm.mjs (file names, hashing, weight).
//!
//! The splitting itself is `wasm_split_cli_support`'s; this is only the page's front end to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: doctor-wasm-split <linked.wasm> <out-dir> <main-js-name>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--version") {
        println!(
            "doctor-wasm-split {} (wasm_split_cli_support 0.2.4)",
            env!("CARGO_PKG_VERSION")
        );
        return ExitCode::SUCCESS;
    }
    let [input, out_dir, main_js] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match split(Path::new(input), Path::new(out_dir), main_js) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("doctor-wasm-split: {error:?}");
            ExitCode::FAILURE
        }
    }
}

fn split(input: &Path, out_dir: &Path, main_js: &str) -> Result<String, String> {
    let wasm = std::fs::read(input).map_err(|e| format!("reading {}: {e}", input.display()))?;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let main_out = out_dir.join("main.wasm");
    let main_module = format!("./{main_js}");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = out_dir;
    options.main_out_path = &main_out;
    options.main_module = &main_module;
    options.target.web();
    let result = wasm_split_cli_support::transform(options).map_err(|e| format!("{e:?}"))?;

    let name = |path: &PathBuf| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut chunks: Vec<String> = result.split_modules.iter().map(name).collect();
    chunks.sort();
    let splits: BTreeMap<&String, Vec<String>> = result
        .prefetch_map
        .iter()
        .map(|(split, files)| (split, files.iter().map(|f| format!("{f}.wasm")).collect()))
        .collect();
    let manifest = format!(
        "{{\n  \"main\": \"main.wasm\",\n  \"chunks\": [{}],\n  \"splits\": {{{}\n  }}\n}}\n",
        chunks
            .iter()
            .map(|c| json_string(c))
            .collect::<Vec<_>>()
            .join(", "),
        splits
            .iter()
            .map(|(split, files)| format!(
                "\n    {}: [{}]",
                json_string(split),
                files
                    .iter()
                    .map(|f| json_string(f))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .collect::<Vec<_>>()
            .join(",")
    );
    let manifest_path = out_dir.join("split.json");
    std::fs::write(&manifest_path, &manifest)
        .map_err(|e| format!("writing {}: {e}", manifest_path.display()))?;
    Ok(format!(
        "doctor-wasm-split: main.wasm and {} chunk(s) in {} ({})",
        chunks.len(),
        out_dir.display(),
        splits
            .keys()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// A JSON string literal (file and split names are plain ASCII, but escape anyway).
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
