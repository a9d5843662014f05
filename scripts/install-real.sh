#!/usr/bin/env bash
# Installs what the real-fault suites (`npm run test:real`) need and that npm cannot:
# Debian's etcd 3.4 (etcdctl and the etcd server, the reference peer) and Debian's
# Chromium (the report browser tests drive it with playwright-core). Idempotent: a tool
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

echo "install-real: etcdctl $(ETCDCTL_API=3 etcdctl version | head -n 1 | awk '{print $3}'), etcd $(etcd --version | head -n 1 | awk '{print $3}'), $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
