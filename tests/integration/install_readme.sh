# install_readme.sh - README.md's "Production install on Debian 12", run as
# written. The shell blocks marked <!-- readme-replay --> are taken from the
# README as they stand and run in order, as root, in one shell with an empty
# environment, inside a throwaway root: private mount, network and process
# namespaces in which /etc, /usr and /var are overlays over the machine's
# (nothing written reaches the real ones), /run is empty, loopback is the
# only network and mestat.example names it. In there:
#   - the block marked "readme-replay: build" is the one this test does not
#     run (apt-get and a compilation): it checks the block's configure line
#     is the one tools/check builds with and installs that build (T_BUILD)
#     with make install DESTDIR=..., whose tree is the top layer of /usr and
#     /etc;
#   - PostgreSQL's cluster 15/main is made anew with pg_createcluster, as the
#     postgresql package makes it on a fresh Debian 12, and left stopped;
#   - "systemctl enable --now mestatd" runs what the installed unit says
#     (ExecStartPre=, then ExecStart= as User=, waiting for READY=1 on
#     NOTIFY_SOCKET as systemd does for Type=notify): systemd itself does not
#     run in a container;
#   - the passwords psql asks for come from standard input.
# Then it checks what the README promises: the files' owners and modes, the
# daemon running as mestat, the province's push stored, the evaluator's
# psql reading report.progress, and the BI connection string read-only.
# If someone edits the README's commands, this runs the new ones.
. "$TOP/tests/lib.sh"

readme=$TOP/README.md
title="the README's production install, replayed"
if [ "$(id -u)" != 0 ]; then
	ok "$title # SKIP needs root"
	exit 0
fi
if ! unshare --mount --net --pid --fork --mount-proc true 2>/dev/null; then
	ok "$title # SKIP cannot make mount, network and PID namespaces here"
	exit 0
fi
pgver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
if [ "$pgver" != 15 ] || ! command -v pg_createcluster >/dev/null; then
	ok "$title # SKIP the README is written for Debian 12's PostgreSQL 15 (found: ${pgver:-none})"
	exit 0
fi
build=${T_BUILD:-$(dirname "$MESTATD")}

# ---- The blocks, as the README has them.
R=$T_TMP/replay
rm -rf "$R"
mkdir -p "$R/blocks"
chmod 755 "$T_TMP" "$R"
/usr/bin/python3 - "$readme" "$R/blocks" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
n = 0
for m in re.finditer(r"^<!-- readme-replay(?::\s*(\w+))?\s*-->\n```sh\n(.*?)^```$", text, re.S | re.M):
    n += 1
    base = f"{sys.argv[2]}/{n:02d}"
    open(base + ".sh", "w").write(m.group(2))
    open(base + ".kind", "w").write(m.group(1) or "run")
PY
nblocks=$(ls "$R"/blocks/*.sh 2>/dev/null | wc -l)
markers=$(grep -c '^<!-- readme-replay' "$readme")
expect_eq "every readme-replay marker in README.md is followed by a \`\`\`sh block" "$markers" "$nblocks"
if [ "$nblocks" -lt 5 ]; then
	not_ok "README.md has the production install's blocks marked readme-replay" "found $nblocks"
	exit 0
fi
buildblock=$(grep -l '^build$' "$R"/blocks/*.kind | head -n 1)
buildblock=${buildblock%.kind}.sh
expect_match "the README's build block configures as tools/check's build does (--prefix=/usr --sysconfdir=/etc)" \
	'\./configure --prefix=/usr --sysconfdir=/etc' "$(cat "$buildblock" 2>/dev/null)"
expect_match "... and installs with make install" 'make install' "$(cat "$buildblock" 2>/dev/null)"
sudo_lines=$(cat "$R"/blocks/*.sh | grep -nE '(^|[;&|(]\s*)sudo\b')
expect_eq "no README command uses sudo (a fresh Debian 12 has none)" "" "$sudo_lines"

# ---- make install of the build under test, into a tree of its own.
dest=$T_TMP/dest
rm -rf "$dest"
if ! make -C "$build" install DESTDIR="$dest" >"$T_TMP/install.log" 2>&1; then
	not_ok "make install DESTDIR=... of the build under test" "$(tail -n 5 "$T_TMP/install.log")"
	exit 0
fi
ok "make install DESTDIR=... of the build under test"

# ---- The replay script: each block in order, in one shell.
PW=evaluator-pw-$RANDOM$RANDOM
printf '%s\n' "$PW" "$PW" "$PW" "$PW" "$PW" "$PW" >"$R/stdin"
{
	cat <<'HEAD'
#!/bin/bash
# Written by install_readme.sh: README.md's production install blocks.
set -u
[ -f /etc/.mestat-readme-replay ] || { echo "replay: not inside the throwaway root; refusing" >&2; exit 99; }

# systemctl: what systemd does for the installed unit (Type=notify).
__unit=/usr/lib/systemd/system/mestatd.service
__unit_key() { sed -n "s/^$1=//p" "$__unit" | head -n 1; }
__as_unit() { # run COMMAND... as the unit's User= and Group=, with its UMask=
	local user group
	user=$(__unit_key User) group=$(__unit_key Group)
	(cd / && umask "$(__unit_key UMask)" && exec setpriv --reuid="$user" --regid="${group:-$user}" --init-groups -- "$@")
}
__unit_start() {
	local pre start sock=/run/mestat-notify.sock
	pre=$(__unit_key ExecStartPre) start=$(__unit_key ExecStart)
	[ -n "$start" ] && [ -n "$(__unit_key User)" ] || { echo "systemctl: no ExecStart= or User= in $__unit" >&2; return 1; }
	if [ -n "$pre" ]; then __as_unit $pre || { echo "systemctl: ExecStartPre= failed" >&2; return 1; }; fi
	rm -f "$sock"
	/usr/bin/python3 - "$sock" "$__OUT/notify.log" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.settimeout(1)
end = time.time() + 300
with open(sys.argv[2], "a") as f:
    while time.time() < end:
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        f.write(data.decode().replace("\n", " ") + "\n")
        f.flush()
PY
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	local user group
	user=$(__unit_key User) group=$(__unit_key Group)
	(cd / && umask "$(__unit_key UMask)" && export NOTIFY_SOCKET=$sock &&
		exec setpriv --reuid="$user" --regid="${group:-$user}" --init-groups -- $start) 2>>"$__OUT/mestatd.log" &
	echo $! >"$__OUT/mainpid"
	for _ in $(seq 300); do
		grep -q 'READY=1' "$__OUT/notify.log" 2>/dev/null && return 0
		kill -0 "$(cat "$__OUT/mainpid")" 2>/dev/null || { echo "systemctl: mestatd exited" >&2; tail -n 5 "$__OUT/mestatd.log" >&2; return 1; }
		sleep 0.1
	done
	echo "systemctl: no READY=1 within 30 s" >&2
	return 1
}
systemctl() {
	case "$*" in
	"enable --now mestatd" | "enable --now mestatd.service" | "start mestatd" | "start mestatd.service") __unit_start ;;
	"reload mestatd" | "reload mestatd.service") kill -HUP "$(cat "$__OUT/mainpid")" ;;
	*) echo "systemctl $*: not played by install_readme.sh" >&2; return 1 ;;
	esac
}

__begin() { echo "$1" >"$__OUT/current"; exec >"$__OUT/block-$1.out" 2>&1; set -e; }
__end() { set +e; echo "$1" >>"$__OUT/done"; }
HEAD
	for f in "$R"/blocks/*.sh; do
		n=$(basename "$f" .sh)
		[ "$(cat "$R/blocks/$n.kind")" = build ] && continue
		echo "__begin $n"
		cat "$f"
		echo "__end $n"
	done
} >"$R/replay.sh"

# ---- Inside the namespaces: the throwaway root, the replay, the checks.
cat >"$R/inside.sh" <<'INSIDE'
set -u
R=$1 DEST=$2 PW=$3 HOSTNS=$4 README=$5 TOP=$6
# The checks below use psql as the README does, on the cluster in here.
. "$TOP/tools/lib/pgenv.sh" && pgenv_clear
ov() { # ov NAME DIR [TOP-LAYER]: an overlay on DIR whose writes go to R/ov/NAME
	local lower=$2
	[ -n "${3:-}" ] && lower=$3:$2
	mkdir -p "$R/ov/$1/u" "$R/ov/$1/w"
	mount -t overlay overlay -o "lowerdir=$lower,upperdir=$R/ov/$1/u,workdir=$R/ov/$1/w" "$2"
}
[ "$(readlink /proc/self/ns/mnt)" != "$HOSTNS" ] || { echo "not ok - a private mount namespace: still in the machine's"; exit 1; }
if ! { ov etc /etc "$DEST/etc" && ov usr /usr "$DEST/usr" && ov var /var && mount -t tmpfs -o mode=755 tmpfs /run; }; then
	echo "not ok - overlays on /etc, /usr, /var and an empty /run"
	exit 1
fi
touch /etc/.mestat-readme-replay
mkdir -p /run/postgresql /run/lock
chown postgres:postgres /run/postgresql
chmod 2775 /run/postgresql
ip link set lo up
printf '127.0.0.1\tlocalhost mestat.example %s\n::1\tlocalhost ip6-localhost\n' "$(hostname)" >/etc/hosts

# What the postgresql package leaves on a fresh Debian 12: a new cluster 15/main.
pg_dropcluster 15 main >/dev/null 2>&1
if ! pg_createcluster 15 main >"$R/createcluster.log" 2>&1; then
	echo "not ok - pg_createcluster 15 main: $(tail -n 3 "$R/createcluster.log" | tr '\n' ' ')"
	exit 1
fi

# An empty environment, as a root login has, but for the sanitizer options
# tools/check gives the debug build.
setsid -w env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
	${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} ${UBSAN_OPTIONS:+UBSAN_OPTIONS=$UBSAN_OPTIONS} \
	__OUT="$R" bash "$R/replay.sh" <"$R/stdin" >"$R/replay.out" 2>&1
rc=$?
for f in "$R"/blocks/*.sh; do
	n=$(basename "$f" .sh)
	[ "$(cat "$R/blocks/$n.kind")" = build ] && continue
	first=$(grep -v '^\s*#' "$f" | head -n 1 | cut -c 1-70)
	if grep -qx "$n" "$R/done" 2>/dev/null; then
		echo "ok - README block $n runs as written: $first"
	elif [ "$(cat "$R/current" 2>/dev/null)" = "$n" ]; then
		echo "not ok - README block $n runs as written: $first: exit $rc: $(tail -n 6 "$R/block-$n.out" 2>/dev/null | tr '\n' ' ') $(cat "$R/replay.out")"
	else
		echo "not ok - README block $n runs as written: $first: not reached"
	fi
done

mode() { stat -c '%U:%G %a' "$1" 2>&1; }
check() { # check NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then echo "ok - $1"; else echo "not ok - $1: expected [$2], got [${3//$'\n'/ }]"; fi
}
check "the server key is root:mestat 0640" "root:mestat 640" "$(mode /etc/mestat/tls/server.key)"
check "the server certificate is root:mestat 0644" "root:mestat 644" "$(mode /etc/mestat/tls/server.crt)"
check "the CA certificate is root:mestat 0644" "root:mestat 644" "$(mode /etc/mestat/tls/clients-ca.crt)"
check "the CA key is root's alone (0600)" "root:root 600" "$(mode /etc/mestat/tls/clients-ca.key)"
check "a reporter's key is root's alone (0600)" "root:root 600" "$(mode /etc/mestat/tls/clients/330000.key)"
check "the receipt key is root:mestat 0640" "root:mestat 640" "$(mode /etc/mestat/receipt.key)"
reporters=$(runuser -u postgres -- psql -X -d mestat -tAc "select count(*) from mestat.reporter" 2>&1)
check "one client certificate per reporter" "$reporters" "$(ls /etc/mestat/tls/clients/*.crt 2>/dev/null | wc -l)"
check "the server certificate names mestat.example" "DNS:mestat.example" \
	"$(openssl x509 -in /etc/mestat/tls/server.crt -noout -ext subjectAltName 2>&1 | tail -n 1 | tr -d ' ')"
pid=$(cat "$R/mainpid" 2>/dev/null)
check "mestatd runs as the unit's user mestat" "mestat" "$(ps -o user= -p "${pid:-0}" 2>&1 | tr -d ' ')"
check "mestatd listens on 0.0.0.0:8443 and /metrics on 127.0.0.1:9187" "0.0.0.0:8443 127.0.0.1:9187" \
	"$(ss -Hltn | awk '{print $4}' | grep -E ':(8443|9187)$' | sort | tr '\n' ' ' | sed 's/ $//')"
healthz=$(grep -h '"database"' "$R"/block-*.out 2>/dev/null | head -n 1)
check "the README's /healthz line shows the database up" 1 "$(grep -c '"database":"up"' <<<"$healthz")"
receipt=$(grep -h '"submission_id"' "$R"/block-*.out 2>/dev/null | head -n 1)
check "the province's push gets a signed receipt" 1 "$(grep -c '"signature"' <<<"$receipt")"
check "... and its value is stored" "132" "$(runuser -u postgres -- psql -X -d mestat -tAc \
	"select value from mestat.observation where reporter = '330000' and indicator = 'incubators' and period = '2018Q3'" 2>&1 | sed 's/\.0*$//')"
rows=$(grep -ho '^([0-9]* rows\?)' "$R"/block-*.out 2>/dev/null | tail -n 1)
if [[ $rows =~ ^\(([1-9][0-9]*)\ rows?\)$ ]]; then
	echo "ok - the evaluator's psql over TLS with a password reads report.progress: $rows"
else
	echo "not ok - the evaluator's psql over TLS with a password reads report.progress: expected (N rows) with N > 0, got [$rows]"
fi
bi=$(grep -o "host=mestat.example [^\`']*default_transaction_read_only=on" "$README" | head -n 1)
if [ -z "$bi" ]; then
	echo "not ok - README.md gives a read-only connection string for BI tools: none with default_transaction_read_only=on"
else
	out=$(PGPASSWORD=$PW psql -X "$bi" -tAc 'show default_transaction_read_only' -c 'select ssl from pg_stat_ssl where pid = pg_backend_pid()' -c 'select count(*) > 0 from report.progress' 2>&1 | tr '\n' ' ')
	check "the README's BI connection string logs in over TLS, read-only, and reads report.progress" "on t t " "$out"
	out=$(PGPASSWORD=$PW psql -X "$bi" -c 'create temporary table t (i int)' 2>&1)
	if grep -q 'read-only transaction' <<<"$out"; then echo "ok - ... and refuses writes"; else
		echo "not ok - ... and refuses writes: $out"; fi
fi
out=$(PGPASSWORD=wrong-$PW psql -X "$bi" -tAc 'select 1' 2>&1)
if grep -q 'password authentication failed' <<<"$out"; then echo "ok - a wrong password is refused"; else
	echo "not ok - a wrong password is refused: $out"; fi
INSIDE

timeout 180 unshare --mount --net --pid --fork --mount-proc --propagation private \
	bash "$R/inside.sh" "$R" "$dest" "$PW" "$(readlink /proc/self/ns/mnt)" "$readme" "$TOP" >"$R/inside.out" 2>"$R/inside.err"
rc=$?
cat "$R/inside.out"
cp "$R/mestatd.log" "$T_TMP/mestatd.log" 2>/dev/null
if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$R/inside.out"; then
	not_ok "the throwaway root ran to the end" "exit $rc: $(tail -n 5 "$R/inside.err")"
fi
