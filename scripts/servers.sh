#!/usr/bin/env bash
# Fetches the nats-server that Debian trixie and sid ship, with apt itself, from the Debian mirror that this
# machine's own apt sources already name, into .servers/<suite>/ (git-ignored). Nothing is installed system-wide
# and the machine's sources are not changed: each suite has a private sources list, lists and cache.
#
#   bash scripts/servers.sh            fetch what is missing (a suite already fetched is kept)
#   NATSX_SERVERS_REFRESH=1 bash ...   fetch again (sid moves: a later run may get a newer server)
#
# Prints one line per suite: the binary and its version. A suite that cannot be fetched is one line on stderr and
# exit 1.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.servers"
mkdir -p "$root"

# The Debian archive URI from the machine's own sources: deb822 files (URIs:/Suites:) and one-line lists.
# Security and backports mirrors are skipped; the first archive that serves the main component wins.
mirror_uri() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush() {
        if (uri != "" && suites ~ /(bookworm|trixie|forky|sid|stable|testing|unstable)( |$)/ && suites !~ /security/ && comps ~ /main/ && uri ~ /debian/ && uri !~ /security/) { print uri; found = 1; exit }
        uri = ""; suites = ""; comps = ""
      }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      tolower($1) == "components:" { $1 = ""; comps = $0 }
      END { if (!found) flush() }
    ' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" {
      i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
      if ($i ~ /debian/ && $i !~ /security/ && $(i+1) !~ /security|backports/) { print $i; exit }
    }' "$f"
  done
}

uri=$(mirror_uri | head -n 1)
if [ -z "$uri" ]; then
  echo "servers: no Debian archive found in /etc/apt/sources.list or /etc/apt/sources.list.d; cannot fetch trixie's and sid's nats-server" >&2
  exit 1
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
fail=0
for suite in trixie sid; do
  dir="$root/$suite"
  bin="$dir/usr/sbin/nats-server"
  if [ -x "$bin" ] && [ "${NATSX_SERVERS_REFRESH:-0}" != 1 ]; then
    echo "servers: $suite $("$bin" --version 2>&1 | head -n 1) at ${bin#"$PWD"/}"
    continue
  fi
  apt_dir="$root/apt/$suite"
  rm -rf "$apt_dir"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts" "$apt_dir/deb"
  signed=""
  [ -f "$keyring" ] && signed="[signed-by=$keyring] "
  echo "deb ${signed}$uri $suite main" >"$apt_dir/sources.list"
  opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=$apt_dir/parts"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Get::List-Cleanup=0"
    -o "Debug::NoLocking=1" -qq)
  if ! apt-get "${opts[@]}" update >"$apt_dir/update.log" 2>&1; then
    echo "servers: apt-get update for $suite failed (see ${apt_dir#"$PWD"/}/update.log); natsx's tests need $suite's nats-server" >&2
    fail=1
    continue
  fi
  if ! (cd "$apt_dir/deb" && apt-get "${opts[@]}" download nats-server >"$apt_dir/download.log" 2>&1); then
    echo "servers: apt-get download nats-server from $suite failed (see ${apt_dir#"$PWD"/}/download.log)" >&2
    fail=1
    continue
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  dpkg-deb -x "$apt_dir"/deb/nats-server_*.deb "$dir"
  if ! "$bin" --version >/dev/null 2>&1; then
    echo "servers: $suite's nats-server does not run on this machine ($bin)" >&2
    fail=1
    continue
  fi
  rm -rf "$apt_dir/cache" "$apt_dir/lists"
  echo "servers: $suite $("$bin" --version 2>&1 | head -n 1) at ${bin#"$PWD"/}"
done
exit $fail
