#!/usr/bin/env bash
# Installs what the real-fault suites (`npm run test:real`) need and that npm cannot:
# Debian's etcd 3.4 (etcdctl and the etcd server, the reference peer) and Debian's
# Chromium (the report browser tests drive it with playwright-core), and Toxiproxy's
# server (built with `go install`). Idempotent: a tool
# already present is kept. Fails with a clear message when it cannot install.
set -euo pipefail

need_apt=()
command -v etcdctl >/dev/null 2>&1 || need_apt+=(etcd-client)
command -v etcd >/dev/null 2>&1 || need_apt+=(etcd-server)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)

if [ ${#need_apt[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-real: apt-get not found; install ${need_apt[*]} (Debian packages) by hand" >&2
    exit 1
  fi
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  echo "install-real: installing ${need_apt[*]} from Debian"
  "${sudo_cmd[@]}" apt-get update -qq || { echo "install-real: apt-get update failed" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null ||
    { echo "install-real: apt-get install ${need_apt[*]} failed" >&2; exit 1; }
  # The Debian package enables an etcd service on 2379; the suites start their own.
  command -v systemctl >/dev/null 2>&1 && "${sudo_cmd[@]}" systemctl disable --now etcd >/dev/null 2>&1 || true
fi

# Toxiproxy (Shopify's server; process mode puts one proxy on every link) is not a Debian
# package: build it from its Go module and install it as toxiproxy-server.
toxiproxy_module=github.com/Shopify/toxiproxy/v2/cmd/server@v2.5.0
if ! command -v toxiproxy-server >/dev/null 2>&1; then
  command -v go >/dev/null 2>&1 ||
    { echo "install-real: go not found; Toxiproxy is installed with 'go install $toxiproxy_module' (install Go 1.17+ first)" >&2; exit 1; }
  echo "install-real: go install $toxiproxy_module"
  go install "$toxiproxy_module" ||
    { echo "install-real: go install $toxiproxy_module failed (is the Go module proxy reachable?)" >&2; exit 1; }
  gobin="$(go env GOBIN)"
  [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
  sudo_install=()
  [ -w /usr/local/bin ] || sudo_install=(sudo)
  "${sudo_install[@]}" install -m 0755 "$gobin/server" /usr/local/bin/toxiproxy-server ||
    { echo "install-real: cannot copy $gobin/server to /usr/local/bin/toxiproxy-server" >&2; exit 1; }
fi
toxiproxy-server --version >/dev/null 2>&1 ||
  { echo "install-real: toxiproxy-server is on PATH but does not run" >&2; exit 1; }

echo "install-real: etcdctl $(ETCDCTL_API=3 etcdctl version | head -n 1 | awk '{print $3}'), etcd $(etcd --version | head -n 1 | awk '{print $3}'), $(/usr/bin/chromium --version 2>/dev/null | head -n 1), $(toxiproxy-server --version 2>&1 | head -n 1)"
bash "$(dirname "$0")/install-docker.sh"
