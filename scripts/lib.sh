# Shared helpers for the hostgeom scripts; sourced, never run.
# shellcheck shell=bash

HOSTGEOM_CACHE=${HOSTGEOM_CACHE:-/var/cache/hostgeom}

info() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 2; }

pkg_installed() {
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# Debian's linux-source-6.12 version, e.g. 6.12.117-1~deb12u1.
linux_source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
		die "linux-source-6.12 is not installed; run scripts/setup"
}
