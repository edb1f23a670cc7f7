#!/usr/bin/env bash
# Debian packages the tests need: openssl (test CAs), OpenSSH's sshd (the real SFTP server), and for the
# queue-mode profile Redis and PostgreSQL (started by the tests as throwaway loopback instances), and Debian's
# Chromium for the browser tests (test/browser, driven by playwright-core: no browser is ever downloaded), and
# poppler-utils' pdfsig (a second opinion on the PDF signatures test/unit/pdfVerify.test.ts builds).
# Installs what is missing; needs root (as on the project's machines) when anything is missing.
set -euo pipefail
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
command -v pdfsig >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[system-deps] installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/certsign-apt.log 2>&1; then
    apt-get update >>/tmp/certsign-apt.log 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/certsign-apt.log 2>&1 || {
      echo "[system-deps] apt-get failed, see /tmp/certsign-apt.log" >&2; exit 1; }
  fi
fi
