# etcd-chaos/toxiproxy:local — Shopify's Toxiproxy server, as installed on this machine by
# scripts/install-real.sh (go install), with the shared libraries `ldd` names; the
# Kubernetes manifests (deploy/k8s) run it as a sidecar in front of every etcd-ts member.
FROM scratch
COPY rootfs/ /
ENTRYPOINT ["/usr/bin/toxiproxy-server"]
