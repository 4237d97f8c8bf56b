# Shared helpers for the hostgeom scripts; sourced, never run.
# shellcheck shell=bash

HOSTGEOM_CACHE=${HOSTGEOM_CACHE:-/var/cache/hostgeom}

info() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 2; }

# Sets $cpu_seconds to the CPU time (user + system) of this shell's
# finished children. `times` must run in the calling shell (in $(...) it
# would report the subshell's), hence a scratch file, $1.
children_cpu() {
	times >"$1"
	cpu_seconds=$(awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] }
		printf "%.2f", s }' "$1")
}

# A benchmark's step: runs CMD with its output in $bench_tmp/NAME.out and
# .err, prints NAME, its wall clock and the CPU time of this shell and its
# children over the step (the machine may be shared). Status: CMD's.
bench_cpu() { awk '{printf "%.1f", ($14 + $15 + $16 + $17) / 100}' "/proc/$$/stat"; }
bench_step() { # NAME CMD...
	local name=$1 t0 c0 rc=0
	shift
	t0=${EPOCHREALTIME}
	c0=$(bench_cpu)
	# shellcheck disable=SC2154 # bench_tmp: the benchmark sets it
	"$@" >"$bench_tmp/$name.out" 2>"$bench_tmp/$name.err" || rc=$?
	printf '%-44s %7.1f s wall %7.1f s CPU%s\n' "$name" \
		"$(echo "${EPOCHREALTIME} - $t0" | bc)" "$(echo "$(bench_cpu) - $c0" | bc)" \
		"$( ((rc == 0)) || echo "  (exit $rc: $(tail -1 "$bench_tmp/$name.err"))")"
	return "$rc"
}

# PKG (the native one, or arch all) or PKG:ARCH is installed. With a
# foreign architecture added, dpkg-query answers an unqualified name once
# per architecture installed.
pkg_installed() {
	local want=${1#*:}
	[[ $1 == *:* ]] || want=$(dpkg --print-architecture)
	dpkg-query -W -f='${Architecture} ${db:Status-Status}\n' "$1" 2>/dev/null |
		grep -qE "^($want|all) installed\$"
}

hostgeom_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

# PATH without ccache's directory, which make check puts first (its builds
# through ccache, scripts/hgtest/check.py): a kernel tree is cached whole,
# by its own key (scripts/guest-kernel).
no_ccache() {
	local p=:$PATH:
	p=${p//:\/usr\/lib\/ccache:/:}
	p=${p#:}
	PATH=${p%:}
}

# Kbuild's arguments to build for architecture $1 (x86_64, or arm64 with
# Debian's cross compiler), one a line. Status 1, naming the package, when
# that compiler is missing.
arch_make_args() {
	case $1 in
	x86_64) printf '%s\n' ARCH=x86_64 ;;
	arm64)
		command -v aarch64-linux-gnu-gcc >/dev/null || {
			echo "${0##*/}: error: no aarch64-linux-gnu-gcc for arm64: install gcc-aarch64-linux-gnu (scripts/setup does)" >&2
			return 1
		}
		printf '%s\n' ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
		;;
	esac
}

# make's extra arguments for a module built against the kernel build tree
# $1, one a line: none for the host's architecture, arm64's for an arm64
# tree (kit-arm64). Status 1 as arch_make_args.
kdir_cross_args() {
	grep -qs '^CONFIG_ARM64=y' "$1/.config" || return 0
	arch_make_args arm64
}

# Builds the test module against the kernel build tree $1 (make's output on
# stderr) and prints the path of the .ko: kmod/out/RELEASE/hostgeom_test.ko.
test_module() {
	local rel out args cross=()
	mkdir -p "$hostgeom_repo/kmod/out"
	args=$(kdir_cross_args "$1") || return 1
	[[ -z $args ]] || mapfile -t cross <<<"$args"
	rel=$(make -s -C "$hostgeom_repo/kmod" KDIR="$1" release) || return 1
	out=$hostgeom_repo/kmod/out/$rel
	# A debug kernel (KASAN, lockdep) has the kit's release but another
	# ABI: its module goes beside, and the rows name it (HOSTGEOM_KMOD).
	! grep -qs '^CONFIG_KASAN=y' "$1/.config" || out+=-debug
	# one kbuild at a time in kmod/out (make check runs its VMs side by side)
	flock "$hostgeom_repo/kmod/out/.lock" make -s -C "$hostgeom_repo/kmod" KDIR="$1" OUT="$out" "${cross[@]}" >&2 || return 1
	[[ -f $out/hostgeom_test.ko ]] || return 1
	printf '%s\n' "$out/hostgeom_test.ko"
}

# Debian's linux-source-6.12 version, e.g. 6.12.117-1~deb12u1.
linux_source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
		die "linux-source-6.12 is not installed; run scripts/setup"
}

# Builds kernel $1 with scripts/guest-kernel, its messages into file $2.
# Returns 0 when built, 3 when its source cannot be had here (callers
# report what needs it as skipped), 1 when it did not build; either way
# kernel_why holds the last message line.
build_kernel() {
	local rc=0
	"$hostgeom_repo/scripts/guest-kernel" build "$1" >/dev/null 2>"$2" || rc=$?
	# shellcheck disable=SC2034 # read by the callers
	kernel_why=$(tail -1 "$2")
	case $rc in
	0 | 3) return "$rc" ;;
	*) return 1 ;;
	esac
}

# Prints the absolute path of evidence directory $1 for program $2, made
# if need be. Only a directory that program made before (its marker file
# .hostgeom-$2) may be reused and cleaned: one that holds anything else is
# refused, so that no caller deletes files it did not write.
evidence_dir() {
	local dir=$1 marker=.hostgeom-$2
	if [[ -d $dir && ! -f $dir/$marker && -n $(ls -A "$dir") ]]; then
		die "$dir is not empty and holds no earlier $2 run; name a new or empty directory"
	fi
	mkdir -p "$dir" || die "cannot create $dir"
	: >"$dir/$marker"
	(cd "$dir" && pwd -P)
}

# Prints PCI address $1 as DDDD:BB:DD.F in lower case (the domain 0000
# when it is left out); status 1 when $1 is no PCI address.
bdf_normalize() {
	local b=${1,,}
	[[ $b =~ ^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]] && b=0000:$b
	[[ $b =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]] || return 1
	printf '%s\n' "$b"
}
