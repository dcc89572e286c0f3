# ports.sh - pick loopback TCP ports for the servers the tools start.
#
# free_port [GIVEN_FILE]: print a TCP port on 127.0.0.1 that nothing listens
# on, below the kernel's ephemeral range, so that no outgoing connection can be
# holding it when a server binds it a moment later. With GIVEN_FILE, a port
# listed there is never chosen again and the chosen one is added to it, so two
# servers configured before either starts never get the same port.
free_port() {
	local given=${1:-} p lo=10000 hi
	hi=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	[ "${hi:-0}" -gt $((lo + 1000)) ] 2>/dev/null || hi=32768
	while :; do
		p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo)))
		[ -n "$given" ] && grep -qx "$p" "$given" 2>/dev/null && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		[ -n "$given" ] && echo "$p" >>"$given"
		echo "$p"
		return 0
	done
}
