//! The Dockerfile builds with exactly the commands the README and scripts/serve.sh use, with the
//! relay's own profile (panic = "unwind"). Docker cannot run here, so this reads the files.

use std::path::Path;

fn read(relative: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The README's "Hosting it" section (up to the next `## ` heading).
fn hosting_section() -> String {
    let readme = read("README.md");
    let start = readme
        .find("## Hosting it")
        .expect("README has a Hosting it section");
    let rest = &readme[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i);
    rest[..end].to_string()
}

/// The first line of `text` (comments stripped) that contains `needle`.
fn command_line(text: &str, needle: &str) -> String {
    text.lines()
        .map(|l| l.split(" #").next().unwrap_or("").trim())
        .find(|l| l.contains(needle) && !l.starts_with('#'))
        .unwrap_or_else(|| panic!("no line with {needle:?}"))
        .to_string()
}

/// The Dockerfile's RUN instructions, continuation lines joined.
fn run_lines(dockerfile: &str) -> Vec<String> {
    let joined = dockerfile.replace("\\\n", " ");
    joined
        .lines()
        .filter_map(|l| l.trim().strip_prefix("RUN "))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn the_dockerfile_builds_the_page_with_the_readme_commands() {
    let hosting = hosting_section();
    let page_build = command_line(&hosting, "trunk build --release");
    assert!(
        page_build.starts_with("bash scripts/setup.sh"),
        "{page_build}"
    );
    let runs = run_lines(&read("Dockerfile"));
    assert!(
        runs.contains(&page_build),
        "the Dockerfile must RUN the README's page build `{page_build}` as is: {runs:#?}"
    );
    let serve = read("scripts/serve.sh");
    assert!(serve.contains("bash scripts/setup.sh"));
    assert!(serve.contains("trunk build --release"));
}

#[test]
fn the_dockerfile_builds_the_relay_with_serve_sh_command_and_profile() {
    let serve = read("scripts/serve.sh");
    let relay_build = command_line(&serve, "cargo build");
    assert_eq!(
        relay_build,
        "cargo build --profile relay -p agent-state-doctor-relay --bin doctor-relay"
    );
    assert!(serve.contains("exec target/relay/doctor-relay "), "{serve}");
    let runs = run_lines(&read("Dockerfile"));
    let expected = format!("CARGO_BUILD_TARGET=x86_64-unknown-linux-musl {relay_build}");
    assert!(
        runs.contains(&expected),
        "the Dockerfile must RUN `{expected}`: {runs:#?}"
    );
    // The README shows the same build beside the binary it makes.
    let hosting = hosting_section();
    assert!(
        hosting.contains(&relay_build),
        "README's hosting section: {relay_build}"
    );
    assert!(hosting.contains("target/relay/doctor-relay"));
    assert!(hosting.contains("docker build") && hosting.contains("docker run"));
    let relay_readme = read("relay/README.md");
    assert!(
        relay_readme.contains(&relay_build),
        "relay/README.md: {relay_build}"
    );
}

#[test]
fn the_relay_profile_unwinds() {
    let cargo = read("Cargo.toml");
    let start = cargo.find("[profile.relay]").expect("a [profile.relay]");
    let profile = &cargo[start..];
    let profile = &profile[..profile[1..].find("\n[").map_or(profile.len(), |i| i + 1)];
    assert!(profile.contains("inherits = \"release\""), "{profile}");
    assert!(profile.contains("panic = \"unwind\""), "{profile}");
}

#[test]
fn the_image_is_small_non_root_and_checks_its_health() {
    let dockerfile = read("Dockerfile");
    let stages: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert!(stages.len() >= 2, "multi-stage: {stages:?}");
    assert!(
        stages.last().unwrap().contains("distroless/static"),
        "{stages:?}"
    );
    let copied = "COPY --from=build /src/target/x86_64-unknown-linux-musl/relay/doctor-relay ";
    assert!(dockerfile.contains(copied));
    assert!(dockerfile.contains("COPY --from=build /src/dist /srv/page"));
    let user = command_line(&dockerfile, "USER ");
    assert!(
        !user.contains("root:") || user.contains("nonroot"),
        "{user}"
    );
    assert!(!user.ends_with(" root") && !user.contains(" 0"), "{user}");
    let healthcheck = dockerfile.replace("\\\n", " ");
    let healthcheck = command_line(&healthcheck, "HEALTHCHECK");
    assert!(healthcheck.contains("--health-check"), "{healthcheck}");
    assert!(healthcheck.contains("/healthz"), "{healthcheck}");
    let entry = command_line(&dockerfile, "ENTRYPOINT");
    assert!(entry.contains(r#""--serve", "/srv/page""#), "{entry}");
    assert!(entry.contains(r#""--listen", "0.0.0.0:8080""#), "{entry}");

    let ignore = read(".dockerignore");
    for path in ["target/", "node_modules/", ".git/", "dist/"] {
        assert!(
            ignore.lines().any(|l| l.trim() == path),
            "{path} not in .dockerignore"
        );
    }
}
