# etcd-chaos/etcd:local — Debian's real etcd (3.4) as the reference system under test.
# runner/docker-images.ts copies /usr/bin/etcd and the shared libraries `ldd` names into
# rootfs/ and builds this file FROM scratch (no registry is reachable).
FROM scratch
COPY rootfs/ /
ENTRYPOINT ["/usr/bin/etcd"]
