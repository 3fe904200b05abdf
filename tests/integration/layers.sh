#!/bin/bash
# The layers of docs/design.md, checked: every include points to the
# file's own layer or a lower one, no layer includes a system header it
# may not, no two modules include each other (directly or round a
# circle), the core calls nothing that does I/O or reads the clock or
# the environment, a program that needs only the core links nothing of
# the shell, and the build itself refuses a forbidden include.
. tests/integration/lib.sh
trap finish EXIT

# The arrows, the system headers and the circles, from the sources.
/usr/bin/python3 - >"$T/arrows" 2>&1 <<'EOF'
import os, re, sys
order = ["core", "store", "services", "shell", "ctl"]
forbid = {
    "core": ["uv.h", "uv/", "sqlite3.h", "sqlite3ext.h", "openssl/",
             "libesmtp.h", "auth-client.h"],
    "store": ["uv.h", "uv/", "openssl/", "libesmtp.h", "auth-client.h"],
}
forbid["services"] = forbid["core"]
where = {}
for layer in order:
    for f in os.listdir("daemon/" + layer):
        if f.endswith((".c", ".h")):
            where.setdefault(f, layer)
bad = 0
edges = {}
for layer in order:
    for f in sorted(os.listdir("daemon/" + layer)):
        if not f.endswith((".c", ".h")):
            continue
        path = "daemon/%s/%s" % (layer, f)
        text = open(path, encoding="utf-8").read()
        mod = re.sub(r"_int$", "", f[:-2])	# a module's private header
        for inc in re.findall(r'^#\s*include\s+"([^"]+)"', text, re.M):
            if inc not in where:
                print("%s: includes \"%s\", which is in no layer" % (path, inc))
                bad += 1
                continue
            to = where[inc]
            if order.index(to) > order.index(layer):
                print("%s (%s) includes %s from %s, a higher layer"
                      % (path, layer, inc, to))
                bad += 1
            if re.sub(r"_int$", "", inc[:-2]) != mod:
                edges.setdefault(mod, set()).add(inc[:-2])
        for inc in re.findall(r'^#\s*include\s+<([^>]+)>', text, re.M):
            for no in forbid.get(layer, []):
                if inc == no or (no.endswith("/") and inc.startswith(no)):
                    print("%s (%s) includes <%s>" % (path, layer, inc))
                    bad += 1
# Circles between modules: a module is a .c and its .h.
state = {}
def visit(m, stack):
    global bad
    state[m] = 1
    for n in sorted(edges.get(m, ())):
        if state.get(n) == 1:
            print("include circle: " + " -> ".join(stack[stack.index(n):] + [n]))
            bad += 1
        elif n not in state:
            visit(n, stack + [n])
    state[m] = 2
for m in sorted(edges):
    if m not in state:
        visit(m, [m])
print("%d problems" % bad)
sys.exit(1 if bad else 0)
EOF
check "every include points to its own layer or a lower one, no circles" \
    grep -qx "0 problems" "$T/arrows"
grep -v "^0 problems" "$T/arrows" | sed 's/^/  /'

# What the core's objects call.  A pure core takes text and structs and
# gives back structs and text: no files, no directories, no environment,
# no clock, no syslog, no randomness, nothing of libuv, SQLite, OpenSSL
# or the layers above.
DENY='^(open|open64|openat|openat64|creat|fopen|fopen64|freopen|fdopen|opendir|fdopendir|readdir|readdir64|scandir|scandir64|glob|stat|stat64|lstat|lstat64|fstat|fstat64|fstatat|fstatat64|statx|__xstat|__lxstat|__fxstat|access|faccessat|realpath|getcwd|chdir|getenv|secure_getenv|setenv|unsetenv|putenv|tzset|time|clock_gettime|gettimeofday|localtime|read|write|pread|pwrite|close|unlink|rename|renameat2|mkdir|chmod|fsync|syslog|vsyslog|openlog|getrandom|rand|random|getpid|socket|connect|config_read_file|read_file|(uv|sqlite3|EVP|SSL|HMAC|CRYPTO|smtp|log|store|outbox|control|spool|http_(set|token)|journal|maildir|linkkey|remind|reports|followup|view|webapp|weblink|ics|daemon|host)_.*|http_(start|stop|port))$'
impure=0
for o in "$BUILD"/obj/core/*.o; do
	m=$(basename "$o" .o)
	calls=$(nm -u "$o" | awk '{ print $2 }' | sed 's/@.*//' |
	    grep -E "$DENY" | sort -u | tr '\n' ' ')
	calls=$(echo $calls)
	if [ -n "$calls" ]; then
		echo "  daemon/core/$m.c calls $calls"
		impure=$((impure + 1))
	fi
done
check "the core calls no I/O, clock, environment or higher layer" \
    [ "$impure" -eq 0 ]
check "the core's objects were found" \
    [ -n "$(ls "$BUILD"/obj/core/*.o 2>/dev/null)" ]

# A program of the core alone links nothing of the shell.
links_none() {	# links_none PROGRAM REGEX: it exists and defines or
		# calls no symbol the regex matches
	[ -f "$1" ] && ! nm "$1" | grep -qE " [TU] ($2)"
}
for t in test_sched test_rules test_calendar test_pii; do
	check "$t links no libuv, SQLite, HTTP server or SMTP" \
	    links_none "$BUILD/tests/$t" 'uv_|sqlite3_|http_start|smtp_send|store_open'
done
# planwatchctl makes tokens (shell/http_token.c) but runs no server.
check "planwatchctl links no HTTP server" \
    links_none "$BUILD/planwatchctl" 'http_start'

# The build refuses a forbidden include in the core, and an include of a
# higher layer's header: in a copy of the tree, so nothing here changes.
mkdir -p "$T/src/tests/fuzz"
cp -r Makefile daemon "$T/src/"
cp tests/fuzz/fuzz.mk "$T/src/tests/fuzz/"
compile_core() {	# compile_core INCLUDE-LINE: compiles core/sched.c with it
	sed -i "0,/^#include \"sched.h\"/s||$1\n#include \"sched.h\"|" \
	    "$T/src/daemon/core/sched.c"
	make -s -C "$T/src" BUILD="$T/build" "$T/build/obj/core/sched.o" \
	    >"$T/compile.log" 2>&1
	r=$?
	cp daemon/core/sched.c "$T/src/daemon/core/sched.c"
	return $r
}
compile_core '' ; r=$?
check "a core file compiles as it is" [ "$r" -eq 0 ]
for inc in '<uv.h>' '<sqlite3.h>' '<openssl/evp.h>'; do
	compile_core "#include $inc"; r=$?
	if [ "$r" -ne 0 ] && grep -q "may not be used in daemon/core/" "$T/compile.log"
	then ok "#include $inc in daemon/core does not compile"
	else not_ok "#include $inc in daemon/core does not compile"; fi
done
for inc in '"store.h"' '"remind.h"' '"outbox.h"'; do
	compile_core "#include $inc"; r=$?
	check "#include $inc in daemon/core does not compile" [ "$r" -ne 0 ]
done
