# Hana Desk — one image for all six services; the command picks the binary:
#   docker run --rm hanadesk hd-intake --help
#   docker run -d -v hd-intake-0:/var/lib/hanadesk hanadesk hd-intake
# Build: docker build -t hanadesk .        (see docker-compose.yml, deploy/k8s/)

# ---- builder: compile with the Debian 12 toolchain and -dev packages ----
FROM debian:12 AS builder
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential pkg-config \
      libnng-dev libprotobuf-c-dev protobuf-c-compiler liblmdb-dev \
      libmicrohttpd-dev libcmocka-dev libjansson-dev libutf8proc-dev \
      libsodium-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .dockerignore keeps build/ and var/ out: a stale host build/ would make
# `make` think the binaries are up to date.
COPY . .
RUN make -j"$(nproc)" build MODE=release \
 && install -d /out \
 && install -m 0755 \
      build/release/bin/hd-gateway \
      build/release/bin/hd-intake \
      build/release/bin/hd-routing \
      build/release/bin/hd-knowledge \
      build/release/bin/hd-notifications \
      build/release/bin/hd-metrics \
      /out/

# ---- runtime: shared libraries, curl (healthchecks) and the binaries ----
FROM debian:12
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libnng1 libprotobuf-c1 liblmdb0 libmicrohttpd12 libjansson4 \
      libutf8proc2 libsodium23 libcurl4 curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*

COPY --from=builder /out/hd-gateway       /usr/local/bin/hd-gateway
COPY --from=builder /out/hd-intake        /usr/local/bin/hd-intake
COPY --from=builder /out/hd-routing       /usr/local/bin/hd-routing
COPY --from=builder /out/hd-knowledge     /usr/local/bin/hd-knowledge
COPY --from=builder /out/hd-notifications /usr/local/bin/hd-notifications
COPY --from=builder /out/hd-metrics       /usr/local/bin/hd-metrics

# Fixed ids so volume ownership and Kubernetes' runAsUser/fsGroup agree.
RUN groupadd --system --gid 10001 hanadesk \
 && useradd --system --uid 10001 --gid hanadesk --no-create-home \
      --home-dir /var/lib/hanadesk --shell /usr/sbin/nologin hanadesk \
 && install -d -o hanadesk -g hanadesk -m 0700 /var/lib/hanadesk

# Container defaults: listen on every interface (the binaries default to
# 127.0.0.1), admin HTTP (/healthz /readyz /metrics) on 9100 in every
# container, RPC on 7001 and events on 7002. Peer URLs come from the
# orchestrator (docker-compose.yml, deploy/k8s/configmap.yaml).
ENV HD_DATA=/var/lib/hanadesk \
    HD_HTTP_BIND=0.0.0.0 \
    HD_ADMIN_BIND=0.0.0.0 \
    HD_ADMIN_PORT=9100 \
    HD_RPC_LISTEN=tcp://0.0.0.0:7001 \
    HD_PUB_LISTEN=tcp://0.0.0.0:7002

# Must follow the chown above: a new named volume copies this ownership.
VOLUME /var/lib/hanadesk
WORKDIR /var/lib/hanadesk
USER 10001:10001
EXPOSE 8080 7001 7002 9100
# The services handle SIGTERM themselves (graceful stop, commit, close).
STOPSIGNAL SIGTERM
CMD ["hd-gateway"]
