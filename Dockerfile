# Usage: docker build -t anchord . && docker run --rm -p 53:53/udp -p 53:53/tcp anchord
#
# Two stages: the official Swift image builds a release binary with the Swift runtime linked in
# statically (glibc and the C libraries stay dynamic, so faketime and the system OpenSSL work);
# a slim Debian image runs it with only the libraries `ldd` shows it needs.

FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libevent-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Package.swift declares the test targets too, so Tests/ must be present for the package to load.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/anchord" /out/anchord \
    && strip /out/anchord

FROM debian:bookworm-slim
# libevent_core, libevent_extra and libevent (CLibevent), libssl3 (libcrypto), libstdc++6 (the
# statically linked Swift runtime's C++ parts); ca-certificates and tzdata for Foundation.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libevent-2.1-7 libevent-core-2.1-7 libevent-extra-2.1-7 libssl3 libstdc++6 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --user-group --home-dir /var/lib/anchord --no-create-home --shell /usr/sbin/nologin anchord \
    && install -d -o anchord -g anchord -m 0750 /var/lib/anchord
COPY --from=build /out/anchord /usr/local/bin/anchord
COPY conf/anchord.yaml /etc/anchord/anchord.yaml

# Inside the container, listen on its own address rather than only loopback; the default access
# control still answers only loopback and private (RFC 1918, CGNAT, ULA) clients. Add "::" on an
# IPv6-enabled network. Any key can be set this way (ANCHORD_<KEY>), or mount another anchord.yaml.
ENV ANCHORD_INTERFACE=0.0.0.0
# RFC 5011 trust-anchor state survives container restarts.
VOLUME ["/var/lib/anchord"]
EXPOSE 53/udp 53/tcp
# Docker lets unprivileged processes bind ports below 1024 inside a container (ip_unprivileged_port_start=0);
# elsewhere, set ANCHORD_PORT or grant CAP_NET_BIND_SERVICE.
USER anchord
# Liveness: one query answered (anchord check --quick); run `anchord check` by hand for the whole checklist.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s \
    CMD ["anchord", "check", "--quick", "--timeout", "3", "--config", "/etc/anchord/anchord.yaml"]
ENTRYPOINT ["anchord", "serve", "--config", "/etc/anchord/anchord.yaml"]
