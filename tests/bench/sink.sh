# Sourced by the benchmarks that deliver mail: start_sink runs postfix's
# smtp-sink on a free loopback port and sets SINK_PORT and SINK_PID
# (stop it with kill "$SINK_PID").  Returns 1 when it cannot be started.
# As root smtp-sink must drop privileges; it needs nothing from the file
# system here.
start_sink() {
	local sink_user= try i
	[ "$(id -u)" = 0 ] && sink_user="-u nobody"
	SINK_PID=
	for try in 1 2 3 4 5; do
		SINK_PORT=$((30000 + (RANDOM % 20000)))
		(exec 3<>/dev/tcp/127.0.0.1/$SINK_PORT) 2>/dev/null &&
		    continue	# in use
		/usr/sbin/smtp-sink $sink_user 127.0.0.1:$SINK_PORT 256 \
		    >/dev/null 2>&1 &
		SINK_PID=$!
		for i in $(seq 1 100); do
			(exec 3<>/dev/tcp/127.0.0.1/$SINK_PORT) 2>/dev/null &&
			    return 0
			kill -0 "$SINK_PID" 2>/dev/null || break
			sleep 0.02
		done
		kill "$SINK_PID" 2>/dev/null
		wait "$SINK_PID" 2>/dev/null
		SINK_PID=
	done
	return 1
}
