#!/bin/bash
# outbox-fill.sh DB N EPOCH: queues N messages of about 1 KiB in the
# outbox of DB (a database the daemon made, so the schema is its own;
# the daemon must not be running), one recipient each, due at EPOCH (Unix
# seconds).  Each is a complete RFC 5322 text with CRLF line ends, a
# Message-ID <bench-I@planwatch.invalid> (I from 1 to N) and a 1024-byte
# body of 16 lines.  Used by the delivery benchmark and the delivery
# crash test.
set -eu
DB=$1
N=$2
EPOCH=$3
sqlite3 -bail "$DB" <<EOF
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N),
line(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM line WHERE j < 16),
body(b) AS (SELECT group_concat(printf('%02d', j) ||
    replace(hex(zeroblob(30)), '0', 'x') || char(13, 10), '') FROM line)
INSERT INTO message (id, message_id, kind, created_at, data)
SELECT i, printf('bench-%d@planwatch.invalid', i), 'bench', $EPOCH,
    CAST(printf('From: Planwatch <planwatch@skarpnack.example.org>%s'
    || 'To: <bench@skarpnack.example.org>%s'
    || 'Subject: Benchmark %d%s'
    || 'Date: Mon, 23 Nov 2026 09:00:00 +0100%s'
    || 'Message-ID: <bench-%d@planwatch.invalid>%s'
    || 'MIME-Version: 1.0%s'
    || 'Content-Type: text/plain; charset=utf-8%s%s%s',
    char(13, 10), char(13, 10), i, char(13, 10), char(13, 10), i,
    char(13, 10), char(13, 10), char(13, 10), char(13, 10), b) AS BLOB)
FROM n, body;
INSERT INTO message_rcpt (message, addr, next_attempt)
SELECT id, 'bench@skarpnack.example.org', $EPOCH FROM message WHERE kind = 'bench';
COMMIT;
EOF
