# Hana Desk — one image for all services; the command picks the binary:
#   docker run --rm hanadesk hd-intake --help
#   docker run -d -v hd-intake-0:/var/lib/hanadesk hanadesk hd-intake
# Everything in one container, for a try-out (scripts/run.sh as hd-suite):
#   docker run --rm -p 8080:8080 -e HD_RPC_LISTEN= -e HD_PUB_LISTEN= hanadesk \
#     hd-suite /usr/local/bin
# Build: docker build -t hanadesk:$(cat VERSION) .   (docker-compose.yml, deploy/k8s/)
#
# The Debian packages come from scripts/packages/*.txt (the lists that
# scripts/deps.sh installs on a developer's machine): change them there.
# No Docker engine runs on CI: tests/image/check_rootfs.sh carries out this
# file's runtime stage on a debootstrapped Debian 12 root filesystem and
# starts the suite from it, so keep to the instructions it knows (FROM, ARG,
# ENV, RUN, COPY, WORKDIR, USER, VOLUME, EXPOSE, STOPSIGNAL, HEALTHCHECK, CMD)
# and keep every package install before the first COPY --from=builder (it
# caches the root filesystem up to there).

# ---- builder: compile with the Debian 12 toolchain and -dev packages ----
FROM debian:12 AS builder
ARG DEBIAN_FRONTEND=noninteractive
COPY scripts/packages/ /tmp/packages/
RUN /tmp/packages/install.sh build && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .dockerignore keeps build/ and var/ out: a stale host build/ would make
# `make` think the binaries are up to date.
COPY . .
RUN make build MODE=release \
 && install -d /out \
 && install -m 0755 \
      build/release/bin/hd-gateway \
      build/release/bin/hd-intake \
      build/release/bin/hd-routing \
      build/release/bin/hd-knowledge \
      build/release/bin/hd-notifications \
      build/release/bin/hd-metrics \
      build/release/bin/hd-mail-ingest \
      /out/

# ---- runtime: shared libraries, curl, mdb_copy and the binaries ----
FROM debian:12
ARG DEBIAN_FRONTEND=noninteractive
COPY scripts/packages/ /tmp/packages/
RUN /tmp/packages/install.sh runtime \
 && rm -rf /var/lib/apt/lists/* /tmp/packages

# Fixed ids so volume ownership and Kubernetes' runAsUser/fsGroup agree.
RUN groupadd --system --gid 10001 hanadesk \
 && useradd --system --uid 10001 --gid hanadesk --no-create-home \
      --home-dir /var/lib/hanadesk --shell /usr/sbin/nologin hanadesk \
 && install -d -o hanadesk -g hanadesk -m 0700 /var/lib/hanadesk

COPY --from=builder /out/hd-gateway       /usr/local/bin/hd-gateway
COPY --from=builder /out/hd-intake        /usr/local/bin/hd-intake
COPY --from=builder /out/hd-routing       /usr/local/bin/hd-routing
COPY --from=builder /out/hd-knowledge     /usr/local/bin/hd-knowledge
COPY --from=builder /out/hd-notifications /usr/local/bin/hd-notifications
COPY --from=builder /out/hd-metrics       /usr/local/bin/hd-metrics
COPY --from=builder /out/hd-mail-ingest   /usr/local/bin/hd-mail-ingest
# The one-host supervisor of `make run`, for an all-in-one container.
COPY scripts/run.sh                       /usr/local/bin/hd-suite

# Container defaults: listen on every interface (the binaries default to
# 127.0.0.1), admin HTTP (/healthz /readyz /metrics) on 9100 in every
# container, RPC on 7001 and events on 7002. Peer URLs come from the
# orchestrator (docker-compose.yml, deploy/k8s/configmap.yaml). The cluster
# key: mount it as a file and point HD_CLUSTER_KEY_FILE at it (compose and
# k8s do); without one the first service creates $HD_DATA/cluster.key, which
# only works when every service shares that volume (hd-suite).
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
# /healthz answers from the admin HTTP thread: the process is up and serving
# (see deploy/k8s/README.md for what it cannot see).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${HD_ADMIN_PORT:-9100}/healthz" || exit 1
CMD ["hd-gateway"]
