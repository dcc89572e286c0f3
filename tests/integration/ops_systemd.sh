# ops_systemd.sh - the systemd files as an operator installs them: the unit
# passes systemd-analyze verify (its ExecStart= binary and its man pages
# resolve), its hardening scores an exposure of 2.0 or lower in
# systemd-analyze security (the figure the README states), and the
# sysusers.d and tmpfiles.d files create the user and directories.
. "$TOP/tests/lib.sh"

if ! command -v systemd-analyze >/dev/null; then
	ok "systemd unit checks # SKIP no systemd-analyze"
	exit 0
fi

# The unit as the build generates it, with the paths of the binary under test.
built=$T_BUILD/systemd/mestatd.service
if [ -f "$built" ]; then
	expect_eq "the built unit has every @placeholder@ filled in" "" "$(grep -o '@[a-z]*@' "$built")"
	expect_match "the built unit starts \$sbindir/mestatd -c \$sysconfdir/mestat/mestatd.conf" \
		'^ExecStart=/[^ ]*/sbin/mestatd -c /[^ ]*/mestat/mestatd\.conf$' "$(grep '^ExecStart=' "$built")"
else
	not_ok "the build generates systemd/mestatd.service" "no $built"
fi
unit_dir=$T_TMP/unit
mkdir -p "$unit_dir" "$T_TMP/etc/mestat"
unit=$unit_dir/mestatd.service
sed -e "s|@sbindir@|$(dirname "$MESTATD")|g" -e "s|@sysconfdir@|$T_TMP/etc|g" \
	"$TOP/systemd/mestatd.service.in" >"$unit"

# Documentation=man:... is checked by running man: give it our pages.
mkdir -p "$T_TMP/man/man8" "$T_TMP/man/man5"
cp "$TOP/docs/mestatd.8" "$T_TMP/man/man8/"
cp "$TOP/docs/mestatd.conf.5" "$T_TMP/man/man5/"

out=$(MANPATH=$T_TMP/man systemd-analyze verify "$unit" 2>&1)
rc=$?
expect_eq "systemd-analyze verify passes on the unit (ExecStart binary and man pages found)" "0: " "$rc: $out"
out=$(MANPATH=$T_TMP/empty-man systemd-analyze verify "$unit" 2>&1)
expect_match "... and verify does check the Documentation= man pages" "man mestatd\(8\)" "$out"

grep_unit() { grep -E "^$1" "$unit"; }
expect_eq "the unit is Type=notify (mestatd sends READY=1)" "Type=notify" "$(grep_unit 'Type=')"
expect_eq "the unit reloads with SIGHUP" 'ExecReload=/bin/kill -HUP $MAINPID' "$(grep_unit 'ExecReload=')"
expect_match "the unit checks the configuration before starting" '^ExecStartPre=.*mestatd -t -c ' "$(grep_unit 'ExecStartPre=')"
expect_match "the unit has a watchdog" '^WatchdogSec=[0-9]+' "$(grep_unit 'WatchdogSec=')"
stop=$(grep_unit 'TimeoutStopSec=' | sed 's/[^0-9]//g')
expect_match "TimeoutStopSec (${stop}s) leaves room for shutdown_timeout's default of 10s" '^([2-9][0-9]|[1-9][0-9]{2,})$' "$stop"

out=$(systemd-analyze security --offline=true "$unit" 2>&1)
figure=$(sed -n 's/.*Overall exposure level for mestatd\.service: \([0-9.]*\).*/\1/p' <<<"$out")
if [ -z "$figure" ]; then
	not_ok "systemd-analyze security reports an exposure level" "$(tail -n 3 <<<"$out")"
else
	echo "# overall exposure level: $figure"
	if awk -v f="$figure" 'BEGIN { exit !(f <= 2.0) }'; then
		ok "systemd-analyze security --offline: exposure $figure is 2.0 or lower"
	else
		not_ok "systemd-analyze security --offline: exposure 2.0 or lower" "got $figure: $(grep '✗' <<<"$out" | head -n 10)"
	fi
	readme=$(sed -n 's/.*The unit scores \([0-9.]*\).*/\1/p' "$TOP/README.md")
	expect_eq "README.md states the exposure the unit scores" "$figure" "$readme"
fi

# sysusers.d and tmpfiles.d, applied to a scratch root.
root=$T_TMP/root
mkdir -p "$root/etc"
out=$(systemd-sysusers --root="$root" "$TOP/systemd/mestat.sysusers" 2>&1)
expect_match "sysusers.d creates the system user mestat" '^mestat:x:[0-9]+:[0-9]+:.*:/var/lib/mestat:' \
	"$(cat "$root/etc/passwd" 2>/dev/null) $out"
if [ "$(id -u)" = 0 ]; then
	out=$(systemd-tmpfiles --root="$root" --create "$TOP/systemd/mestat.tmpfiles" 2>&1)
	expect_eq "tmpfiles.d creates the directories without complaint" "" "$out"
	expect_eq "/etc/mestat is 0750 (the keys are readable by mestat only)" 750 "$(stat -c %a "$root/etc/mestat" 2>&1)"
	expect_eq "/var/lib/mestat is 0700" 700 "$(stat -c %a "$root/var/lib/mestat" 2>&1)"
else
	ok "tmpfiles.d creates the directories # SKIP not root"
fi
