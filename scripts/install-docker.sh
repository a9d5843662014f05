#!/usr/bin/env bash
# Makes a Docker engine answer for docker mode (`etcd-chaos test --mode docker` and the
# docker real tests): installs Debian's docker.io when neither a working client nor a
# dockerd binary is present, and starts dockerd in the background when no engine
# answers. Idempotent; says what it did; fails with a clear message when it cannot.
set -euo pipefail

engine_wait_seconds=60
dockerd_log="${TMPDIR:-/tmp}/etcd-chaos-dockerd.log"

sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)

if docker info >/dev/null 2>&1; then
  echo "install-docker: a Docker engine already answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 ||
    { echo "install-docker: no Docker engine and no apt-get; install Docker (Debian package docker.io) by hand" >&2; exit 1; }
  echo "install-docker: installing docker.io from Debian"
  "${sudo_cmd[@]}" apt-get update -qq || { echo "install-docker: apt-get update failed" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq docker.io >/dev/null ||
    { echo "install-docker: apt-get install docker.io failed" >&2; exit 1; }
fi

if ! docker info >/dev/null 2>&1; then
  # Containers without systemd (CI runners, this machine) have no service manager to
  # start the engine: run dockerd in the background, detached from this shell.
  echo "install-docker: no engine answers; starting dockerd in the background (log: $dockerd_log)"
  "${sudo_cmd[@]}" bash -c "nohup dockerd >'$dockerd_log' 2>&1 &"
  for ((second = 0; second < engine_wait_seconds; second++)); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 ||
    { echo "install-docker: dockerd did not answer within ${engine_wait_seconds} s; see $dockerd_log" >&2; tail -n 20 "$dockerd_log" >&2 || true; exit 1; }
fi

echo "install-docker: Docker engine $(docker version --format '{{.Server.Version}}') answers"
