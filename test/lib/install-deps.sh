#!/usr/bin/env bash
# Installs every Debian 12 package chameleon needs to build, test, benchmark and demo.
# Idempotent: packages already present are left alone. Must run as root.
set -euo pipefail

PACKAGES=(
  build-essential g++ make pkg-config
  postgresql-15 postgresql-server-dev-15 postgresql-client-15 libpq-dev libipc-run-perl
  mariadb-server mariadb-client libmariadb-dev
  mariadb-test-data   # MariaDB's mysql-test suite, read by make ddl-realworld (issue 11)
  libyaml-cpp-dev libgtest-dev googletest
  libzstd-dev zlib1g-dev libssl-dev
  clang clang-format libclang-rt-14-dev
  sysbench
  perl procps iproute2 util-linux
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages (${missing[*]}) and not root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The distribution's own MariaDB/PostgreSQL services are not used: the harness starts throwaway servers.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  rm -f /usr/sbin/policy-rc.d
fi
echo "install-deps: all packages present"
