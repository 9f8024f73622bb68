# Agent State Doctor: the page and its reference relay in one small image.
#
#   docker build -t agent-state-doctor .
#   docker run --rm -p 8080:8080 agent-state-doctor      # then open http://127.0.0.1:8080
#
# Two stages. The first builds with exactly the commands of README.md ("Hosting it") and
# scripts/serve.sh (relay/tests/dockerfile.rs fails if they drift apart). The second holds only
# a static relay binary and the built page: the relay is built for x86_64-unknown-linux-musl,
# so it needs no C library at run time (it has no OpenSSL either: rustls with bundled roots),
# and runs on distroless/static, which has no shell or package manager but does have a
# non-root user and /etc/passwd.

FROM rust:1.95-bookworm AS build
# musl-gcc compiles ring's C and assembly for the static binary.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add x86_64-unknown-linux-musl
WORKDIR /src
COPY . .
# The page (README.md, "Hosting it").
RUN bash scripts/setup.sh && PATH="$PWD/node_modules/.bin:$PATH" trunk build --release
# The relay (scripts/serve.sh's command), for the musl target: a static binary.
RUN CARGO_BUILD_TARGET=x86_64-unknown-linux-musl cargo build --profile relay -p agent-state-doctor-relay --bin doctor-relay

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/target/x86_64-unknown-linux-musl/relay/doctor-relay /usr/local/bin/doctor-relay
COPY --from=build /src/dist /srv/page
USER nonroot:nonroot
EXPOSE 8080
# No shell or curl in the image: the relay asks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/doctor-relay", "--health-check", "http://127.0.0.1:8080/healthz"]
# More options after the image name: docker run ... agent-state-doctor --allow-origin https://x
ENTRYPOINT ["/usr/local/bin/doctor-relay", "--listen", "0.0.0.0:8080", "--serve", "/srv/page"]
