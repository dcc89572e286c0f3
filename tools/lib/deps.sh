# The Debian packages mestat needs to build, test and demo, and their install.
# Source this file and call deps_install (as root; a no-op when all are there).

# prometheus: only for promtool, which checks /metrics (tests/integration/
# ops_metrics.sh); Debian 12 has no package with promtool alone. mandoc:
# lints the manual pages (ops_docs.sh); the build does not need it.
# chromium, chromium-driver, python3-selenium: the console's browser test
# (tests/integration/console_browser.sh); libjs-chart.js: the console's charts.
# chromium, poppler-utils, fonts-noto-cjk: the release page printed to PDF and
# read back (tests/integration/release_page.sh).
# haproxy: two mestatd behind the sample etc/haproxy.cfg
# (tests/integration/reliability_haproxy.sh).
MESTAT_PACKAGES="build-essential autoconf automake libtool pkg-config
libpq-dev libevent-dev libcurl4-openssl-dev libssl-dev libjansson-dev libinih-dev libxml2-dev
libcmocka-dev clang clang-format libclang-rt-14-dev postgresql curl openssl ca-certificates
python3 valgrind procps iproute2 jq prometheus mandoc python3-cryptography libjs-chart.js python3-aiosmtpd
chromium chromium-driver python3-selenium poppler-utils fonts-noto-cjk
haproxy"

deps_install() {
	local missing=() p
	for p in $MESTAT_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
		return 1
	fi
	echo "installing: ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null &&
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# deps_build SRCDIR BUILDDIR [CONFIGURE ARGS...]: configure (once) and make.
deps_build() {
	local src=$1 dir=$2
	shift 2
	[ -x "$src/configure" ] || (cd "$src" && autoreconf -fi >/dev/null 2>&1) || return 1
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		(cd "$dir" && "$src/configure" "$@" >configure.log 2>&1) || { tail -n 20 "$dir/configure.log" >&2; return 1; }
	fi
	make -C "$dir" -j"$(nproc)" >"$dir/make.log" 2>&1 || { grep -E 'error|Error' "$dir/make.log" | head -n 30 >&2; return 1; }
}
