/*
 * test_mail: daemon/core/mail.c.  Every composed message is checked against the
 * wire rules (CRLF only, header lines <= 78, body lines <= 76, 7-bit) and
 * decoded back with a small RFC 2047 / quoted-printable decoder written
 * here, independently of the encoder, so an encoder bug cannot hide behind
 * a matching decoder bug.  When /usr/bin/python3 exists the same message
 * also goes through tests/mailparse.py (Python's email package).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "mail.h"
#include "util.h"
#include "test.h"

/* Fixed time zone without tzdata: Swedish time as a POSIX TZ string. */
#define TZ_SWEDEN	"CET-1CEST,M3.5.0,M10.5.0/3"

static const char *sv_subject =
    "Påminnelse: Utbildning om våldsbejakande extremism för medarbetare "
    "i förskola och fritidsgård – uppföljning Tertialrapport 1 2020 "
    "senast 2020-04-30 (ÅÄÖ åäö)";
static const char *sv_body =
    "Hej Örjan Ångström,\n"
    "\n"
    "det här är en påminnelse om aktiviteten ”Utbildning om "
    "våldsbejakande extremism för medarbetare i förskola och fritidsgård”, "
    "som ska följas upp i Tertialrapport 1 2020 senast 2020-04-30.\n"
    "From the plan: rader som börjar med From ska fungera.\n"
    ".en rad som börjar med punkt\n"
    "slutar med mellanslag   \n"
    "slutar med tabb\t\n"
    "likhetstecken = 3 + 4 = 7\n"
    "\n"
    "Med vänliga hälsningar\n"
    "Planwatch – Skarpnäcks stadsdelsförvaltning\n";

/* ---- an independent decoder ---------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Whether bytes are well-formed UTF-8 (no overlongs, no surrogates). */
static int
utf8_ok(const unsigned char *p, size_t n)
{
	size_t i = 0, k, len;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0)
			len = 2, cp = p[i] & 0x1f;
		else if ((p[i] & 0xf0) == 0xe0)
			len = 3, cp = p[i] & 0x0f;
		else if ((p[i] & 0xf8) == 0xf0)
			len = 4, cp = p[i] & 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/*
 * Decodes one encoded-word "=?charset?X?text?=" (Q or B) into b; returns
 * 0, or -1 when the token is not an encoded-word.  *piece_ok is cleared if
 * the word alone is not well-formed UTF-8 (a character split across words).
 */
static int
decode_eword(const char *tok, size_t n, struct buf *b, int *piece_ok)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *q1, *q2, *text, *end;
	struct buf w = { 0 };
	char enc;

	if (n < 8 || strncmp(tok, "=?", 2) != 0 ||
	    strncmp(tok + n - 2, "?=", 2) != 0)
		return -1;
	q1 = memchr(tok + 2, '?', n - 2);
	if (q1 == NULL || q1 + 3 > tok + n - 2 || q1[2] != '?')
		return -1;
	q2 = q1 + 2;
	if (strncasecmp(tok + 2, "utf-8", (size_t)(q1 - tok - 2)) != 0)
		return -1;
	enc = (char)toupper((unsigned char)q1[1]);
	text = q2 + 1;
	end = tok + n - 2;
	if (enc == 'Q') {
		while (text < end) {
			if (*text == '_')
				buf_addc(&w, ' ');
			else if (*text == '=' && end - text >= 3 &&
			    hexval(text[1]) >= 0 && hexval(text[2]) >= 0) {
				buf_addc(&w, hexval(text[1]) * 16 +
				    hexval(text[2]));
				text += 2;
			} else if (*text == '=' || *text == '?' || *text == ' ') {
				buf_free(&w);
				return -1;
			} else
				buf_addc(&w, *text);
			text++;
		}
	} else if (enc == 'B') {
		uint32_t acc = 0;
		int bits = 0;

		for (; text < end && *text != '='; text++) {
			const char *pos = strchr(b64, *text);

			if (pos == NULL) {
				buf_free(&w);
				return -1;
			}
			acc = (acc << 6) | (uint32_t)(pos - b64);
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				buf_addc(&w, (acc >> bits) & 0xff);
			}
		}
	} else
		return -1;
	if (!utf8_ok((const unsigned char *)(w.s ? w.s : ""), w.len))
		*piece_ok = 0;
	if (w.len > 0)
		buf_add(b, w.s, w.len);
	buf_free(&w);
	return 0;
}

/*
 * Decodes an unfolded unstructured value: white space between two
 * encoded-words vanishes, other white space is kept as one space.
 * Returns a string the caller frees.
 */
static char *
decode_2047(const char *v, int *piece_ok)
{
	struct buf b = { 0 };
	const char *p = v, *e;
	int prev_ew = 0, pending_space = 0;

	while (*p != '\0') {
		if (*p == ' ' || *p == '\t') {
			pending_space = 1;
			p++;
			continue;
		}
		for (e = p; *e != '\0' && *e != ' ' && *e != '\t'; e++)
			;
		{
			struct buf tmp = { 0 };
			int is_ew = decode_eword(p, (size_t)(e - p), &tmp,
			    piece_ok) == 0;

			if (pending_space && b.len > 0 && !(is_ew && prev_ew))
				buf_addc(&b, ' ');
			if (is_ew) {
				if (tmp.len > 0)
					buf_add(&b, tmp.s, tmp.len);
			} else
				buf_add(&b, p, (size_t)(e - p));
			buf_free(&tmp);
			prev_ew = is_ew;
		}
		pending_space = 0;
		p = e;
	}
	return buf_take(&b);
}

/*
 * Decodes a quoted-printable body with CRLF line ends into UTF-8 with LF.
 * *line_ok is cleared if a physical line does not decode to complete UTF-8
 * characters on its own (a character split by a soft break).
 */
static char *
decode_qp(const char *s, size_t n, int *line_ok)
{
	struct buf b = { 0 }, line = { 0 };
	size_t i = 0;

	while (i < n) {
		if (s[i] == '=' && i + 2 < n && s[i + 1] == '\r' &&
		    s[i + 2] == '\n') {
			if (!utf8_ok((const unsigned char *)(line.s ?
			    line.s : ""), line.len))
				*line_ok = 0;
			if (line.len > 0)
				buf_add(&b, line.s, line.len);
			buf_reset(&line);
			i += 3;
		} else if (s[i] == '=' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			buf_addc(&line, hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 3;
		} else if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			if (!utf8_ok((const unsigned char *)(line.s ?
			    line.s : ""), line.len))
				*line_ok = 0;
			if (line.len > 0)
				buf_add(&b, line.s, line.len);
			buf_reset(&line);
			buf_addc(&b, '\n');
			i += 2;
		} else {
			buf_addc(&line, s[i]);
			i++;
		}
	}
	if (line.len > 0)
		buf_add(&b, line.s, line.len);
	buf_free(&line);
	return buf_take(&b);
}

/* ---- wire checks --------------------------------------------------- */

/* A parsed header: names in order and unfolded values. */
struct hdrs {
	char	*name[64];
	char	*value[64];
	size_t	 n;
};

static void
hdrs_free(struct hdrs *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->name[i]);
		free(h->value[i]);
	}
	h->n = 0;
}

static const char *
hdr_get(const struct hdrs *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcasecmp(h->name[i], name) == 0)
			return h->value[i];
	return NULL;
}

/*
 * Checks the wire form of a whole message and splits it: CRLF everywhere
 * (no bare CR or LF), 7-bit only, header lines <= 78, body lines <= 76,
 * every header line either a continuation or "Name: ".  Fills h and
 * returns the offset of the body, or 0 after reporting a failure.
 */
static size_t
check_wire(const char *msg, size_t len, struct hdrs *h)
{
	size_t i, start = 0, body = 0, ll;
	int in_body = 0, bad = 0;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c >= 0x80 || c == 0) {
			TEST_FAIL("byte 0x%02x at offset %zu is not 7-bit", c,
			    i);
			return 0;
		}
		if (c == '\r' && (i + 1 >= len || msg[i + 1] != '\n')) {
			TEST_FAIL("bare CR at offset %zu", i);
			return 0;
		}
		if (c == '\n' && (i == 0 || msg[i - 1] != '\r')) {
			TEST_FAIL("bare LF at offset %zu", i);
			return 0;
		}
		if (c != '\n')
			continue;
		ll = i - 1 - start;
		if (!in_body && ll == 0) {
			in_body = 1;
			body = i + 1;
		} else if (!in_body) {
			const char *l = msg + start;

			if (ll > MAIL_HEADER_WIDTH) {
				TEST_FAIL("header line of %zu > %d: %.*s", ll,
				    MAIL_HEADER_WIDTH, (int)ll, l);
				bad = 1;
			}
			if (*l == ' ' || *l == '\t') {
				if (h->n == 0) {
					TEST_FAIL("continuation first");
					return 0;
				}
				{
					char *v = xasprintf("%s%.*s",
					    h->value[h->n - 1], (int)ll, l);

					free(h->value[h->n - 1]);
					h->value[h->n - 1] = v;
				}
			} else {
				const char *colon = memchr(l, ':', ll);

				if (colon == NULL || colon + 1 >= l + ll + 1 ||
				    h->n == nitems(h->name)) {
					TEST_FAIL("not a header: %.*s", (int)ll,
					    l);
					return 0;
				}
				h->name[h->n] = xstrndup(l, (size_t)(colon - l));
				h->value[h->n] = xstrndup(colon + 1,
				    (size_t)(l + ll - colon - 1));
				h->n++;
			}
		} else if (ll > MAIL_QP_WIDTH) {
			TEST_FAIL("body line of %zu > %d: %.*s", ll,
			    MAIL_QP_WIDTH, (int)ll, msg + start);
			bad = 1;
		}
		start = i + 1;
	}
	if (!in_body) {
		TEST_FAIL("no blank line after the header");
		return 0;
	}
	if (len > 0 && msg[len - 1] != '\n') {
		TEST_FAIL("message does not end with CRLF");
		bad = 1;
	}
	return bad ? 0 : body;
}

/* Joins header names with spaces, for an exact comparison. */
static char *
hdr_names(const struct hdrs *h)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, h->name[i]);
	}
	return buf_take(&b);
}

static void
base_msg(struct mail_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->from_name = "Planwatch Skarpnäck";
	m->from_addr = "planwatch@skarpnack.example.org";
	m->to_name = "Örjan Ångström";
	m->to_addr = "orjan.angstrom@skarpnack.example.org";
	m->subject = sv_subject;
	m->body = sv_body;
	m->message_id = "pw.0123456789abcdef@planwatch.example.org";
	m->date = 1709539200;	/* 2024-03-04 08:00 UTC */
}

/* ---- tests ---------------------------------------------------------- */

static void
test_swedish_roundtrip(void)
{
	struct mail_msg m;
	struct hdrs h;
	const char *why = NULL;
	char *msg, *dec, *names;
	size_t len, body;
	int ok = 1;

	base_msg(&m);
	m.reply_to_name = "Samordnare VBE, Skarpnäck";
	m.reply_to = "samordnare@skarpnack.example.org";
	m.list_name = "planwatch påminnelser";
	m.list_id = "reminders.planwatch.example.org";
	m.kind = "reminder";
	msg = mail_compose(&m, &len, &why);
	CHECK(msg != NULL);
	if (msg == NULL)
		return;
	CHECK_INT_EQ(len, strlen(msg));
	body = check_wire(msg, len, &h);
	CHECK(body > 0);

	names = hdr_names(&h);
	CHECK_STR_EQ(names, "Date From Reply-To To Subject Message-ID List-Id "
	    "MIME-Version Content-Type Content-Transfer-Encoding "
	    "Auto-Submitted X-Auto-Response-Suppress X-Planwatch-Kind");
	free(names);

	dec = decode_2047(hdr_get(&h, "Subject"), &ok);
	CHECK_STR_EQ(dec, sv_subject);
	free(dec);
	CHECK(ok);
	dec = decode_2047(hdr_get(&h, "From"), &ok);
	CHECK_STR_EQ(dec, "Planwatch Skarpnäck <planwatch@skarpnack.example.org>");
	free(dec);
	dec = decode_2047(hdr_get(&h, "To"), &ok);
	CHECK_STR_EQ(dec,
	    "Örjan Ångström <orjan.angstrom@skarpnack.example.org>");
	free(dec);
	/* The comma is a special: the name must be encoded, not bare. */
	CHECK(strstr(hdr_get(&h, "Reply-To"), "VBE,") == NULL);
	dec = decode_2047(hdr_get(&h, "Reply-To"), &ok);
	CHECK_STR_EQ(dec,
	    "Samordnare VBE, Skarpnäck <samordnare@skarpnack.example.org>");
	free(dec);
	dec = decode_2047(hdr_get(&h, "List-Id"), &ok);
	CHECK_STR_EQ(dec,
	    "planwatch påminnelser <reminders.planwatch.example.org>");
	free(dec);
	CHECK(ok);
	CHECK_STR_EQ(hdr_get(&h, "Message-ID"),
	    " <pw.0123456789abcdef@planwatch.example.org>");
	CHECK_STR_EQ(hdr_get(&h, "Content-Transfer-Encoding"),
	    " quoted-printable");
	CHECK_STR_EQ(hdr_get(&h, "Content-Type"), " text/plain; charset=UTF-8");
	CHECK_STR_EQ(hdr_get(&h, "Auto-Submitted"), " auto-generated");

	ok = 1;
	dec = decode_qp(msg + body, len - body, &ok);
	CHECK_STR_EQ(dec, sv_body);
	CHECK(ok);
	free(dec);
	/* "From " at a line start is escaped; the trailing blanks encoded. */
	CHECK(strstr(msg + body, "\r\n=46rom the plan:") != NULL);
	CHECK(strstr(msg + body, "mellanslag  =20\r\n") != NULL);
	CHECK(strstr(msg + body, "tabb=09\r\n") != NULL);
	CHECK(strstr(msg + body, "likhetstecken =3D 3 + 4 =3D 7\r\n") != NULL);
	hdrs_free(&h);
	free(msg);
}

static void
test_date(void)
{
	struct mail_msg m;
	struct hdrs h;
	char *msg;
	size_t len;

	setenv("TZ", TZ_SWEDEN, 1);
	tzset();
	base_msg(&m);
	msg = mail_compose(&m, &len, NULL);
	CHECK(msg != NULL && check_wire(msg, len, &h) > 0);
	CHECK_STR_EQ(hdr_get(&h, "Date"), " Mon, 04 Mar 2024 09:00:00 +0100");
	hdrs_free(&h);
	free(msg);

	m.date = 1719817200;	/* 2024-07-01 07:00 UTC, summer time */
	msg = mail_compose(&m, &len, NULL);
	CHECK(msg != NULL && check_wire(msg, len, &h) > 0);
	CHECK_STR_EQ(hdr_get(&h, "Date"), " Mon, 01 Jul 2024 09:00:00 +0200");
	hdrs_free(&h);
	free(msg);

	setenv("TZ", "UTC0", 1);
	tzset();
	m.date = 1735687805;	/* 2024-12-31 23:30:05 UTC */
	msg = mail_compose(&m, &len, NULL);
	CHECK(msg != NULL && check_wire(msg, len, &h) > 0);
	CHECK_STR_EQ(hdr_get(&h, "Date"), " Tue, 31 Dec 2024 23:30:05 +0000");
	hdrs_free(&h);
	free(msg);
	setenv("TZ", TZ_SWEDEN, 1);
	tzset();
}

static void
test_message_id(void)
{
	char a[MAIL_MSGID_MAX], b[MAIL_MSGID_MAX], c[MAIL_MSGID_MAX];
	char small[20];

	CHECK_INT_EQ(mail_message_id("reminder/A1/T1-2020/step2/kim", 7,
	    "planwatch.example.org", a, sizeof(a)), 0);
	CHECK_INT_EQ(mail_message_id("reminder/A1/T1-2020/step2/kim", 7,
	    "planwatch.example.org", b, sizeof(b)), 0);
	CHECK_INT_EQ(mail_message_id("reminder/A1/T1-2020/step3/kim", 7,
	    "planwatch.example.org", c, sizeof(c)), 0);
	CHECK_STR_EQ(a, b);
	CHECK(strcmp(a, c) != 0);
	CHECK_INT_EQ(strlen(a), strlen("pw..@planwatch.example.org") + 12 + 32);
	CHECK(strncmp(a, "pw.000000000007.", 16) == 0);
	CHECK(mail_addr_valid(a));
	/* SHA-256("abc") starts ba7816bf8f01cfea414140de5dae2223. */
	CHECK_INT_EQ(mail_message_id("abc", 1, "x.example", a, sizeof(a)), 0);
	CHECK_STR_EQ(a, "pw.000000000001.ba7816bf8f01cfea414140de5dae2223"
	    "@x.example");
	/* Later messages sort after earlier ones, as the index wants. */
	CHECK_INT_EQ(mail_message_id("abc", 0x1000, "x.example", b,
	    sizeof(b)), 0);
	CHECK_INT_EQ(mail_message_id("zzz", 0xfff, "x.example", c,
	    sizeof(c)), 0);
	CHECK(strcmp(c, b) < 0 && strcmp(a, c) < 0);
	CHECK_INT_EQ(mail_message_id("abc", -1, "x.example", a, sizeof(a)),
	    -1);
	CHECK_INT_EQ(mail_message_id("abc", 1, "x.example", small,
	    sizeof(small)), -1);
	CHECK_INT_EQ(mail_message_id("abc", 1, "bad domain", a, sizeof(a)),
	    -1);
	CHECK_INT_EQ(mail_message_id("abc", 1, "a@b", a, sizeof(a)), -1);
	CHECK_INT_EQ(mail_message_id("abc", 1, "x.example\r\nBcc: e@x", a,
	    sizeof(a)), -1);
	CHECK_INT_EQ(mail_message_id("abc", 1, "", a, sizeof(a)), -1);
}

static void
test_addresses(void)
{
	static const char *bad[] = { "", "a", "@example.org", "kim@",
	    "kim@@example.org", "kim@a@example.org", "kim example@example.org",
	    "kim@example.org\r\nBcc: evil@example.org", "kim@example.org\n",
	    "<kim@example.org>", "kim@example.org,evil@example.org",
	    "kim\"@example.org", "kim@exa\tmple.org", "kim@exämple.org",
	    "kim;evil@example.org", "kim@example.org>", NULL };
	static const char *good[] = { "kim@example.org", "a@b",
	    "kim.exempel+vbe@skarpnack.stockholm.example.se",
	    "o'brien@example.org", NULL };
	struct mail_msg m;
	const char *why;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		if (mail_addr_valid(bad[i]))
			TEST_FAIL("accepted bad address \"%s\"", bad[i]);
		base_msg(&m);
		m.to_addr = bad[i];
		why = NULL;
		CHECK(mail_compose(&m, NULL, &why) == NULL);
		CHECK_STR_EQ(why, "missing or invalid To address");
		base_msg(&m);
		m.from_addr = bad[i];
		why = NULL;
		CHECK(mail_compose(&m, NULL, &why) == NULL);
		CHECK_STR_EQ(why, "missing or invalid From address");
		base_msg(&m);
		m.reply_to = bad[i];
		why = NULL;
		CHECK(mail_compose(&m, NULL, &why) == NULL);
		CHECK_STR_EQ(why, "invalid Reply-To address");
	}
	for (i = 0; good[i] != NULL; i++)
		if (!mail_addr_valid(good[i]))
			TEST_FAIL("refused good address \"%s\"", good[i]);

	base_msg(&m);
	m.message_id = "id@x\r\nBcc: evil@example.org";
	why = NULL;
	CHECK(mail_compose(&m, NULL, &why) == NULL);
	CHECK_STR_EQ(why, "missing or invalid Message-ID");
	base_msg(&m);
	m.message_id = NULL;
	CHECK(mail_compose(&m, NULL, &why) == NULL);
	base_msg(&m);
	m.list_id = "x.example.org>\r\nBcc: evil@example.org";
	CHECK(mail_compose(&m, NULL, &why) == NULL);
	CHECK_STR_EQ(why, "invalid List-Id");
	base_msg(&m);
	m.kind = "reminder\r\nBcc: evil@example.org";
	CHECK(mail_compose(&m, NULL, &why) == NULL);
	CHECK_STR_EQ(why, "invalid kind");
	base_msg(&m);
	m.subject = NULL;
	CHECK(mail_compose(&m, NULL, &why) == NULL);
	CHECK_STR_EQ(why, "missing Subject");
}

static void
test_injection(void)
{
	static const char *hostile[] = {
		"Titel\r\nBcc: evil@example.org",
		"Titel\nBcc: evil@example.org",
		"Titel\rBcc: evil@example.org",
		"Titel\r\n\r\nbody injected",
		"Titel\r\n Bcc: evil@example.org",
		"=?UTF-8?Q?Titel=0D=0ABcc:_evil@example.org?=",
		"Titel\x0b\x0c\x1b" "Bcc: evil@example.org",
		"Titel\xc2\x85" "Bcc: evil@example.org",	/* NEL */
		"Titel\xe2\x80\xa8" "Bcc: evil@example.org",	/* LS */
		"Titel\xff\xfe\r\nBcc: evil@example.org",
		NULL
	};
	const char *expect = "Date From Reply-To To Subject Message-ID List-Id "
	    "MIME-Version Content-Type Content-Transfer-Encoding "
	    "Auto-Submitted X-Auto-Response-Suppress";
	struct mail_addr to[2];
	struct mail_msg m;
	struct hdrs h;
	char *msg, *names, *dec;
	size_t i, len, body;
	int ok;

	for (i = 0; hostile[i] != NULL; i++) {
		base_msg(&m);
		to[0].name = hostile[i];
		to[0].addr = "kim@example.org";
		to[1].name = hostile[i];
		to[1].addr = "alex@example.org";
		m.to = to;
		m.nto = 2;
		m.subject = hostile[i];
		m.from_name = hostile[i];
		m.reply_to_name = hostile[i];
		m.reply_to = "samordnare@skarpnack.example.org";
		m.list_name = hostile[i];
		m.list_id = "reminders.planwatch.example.org";
		msg = mail_compose(&m, &len, NULL);
		CHECK(msg != NULL);
		if (msg == NULL)
			continue;
		body = check_wire(msg, len, &h);
		CHECK(body > 0);
		names = hdr_names(&h);
		if (strcmp(names, expect) != 0)
			TEST_FAIL("case %zu: headers \"%s\" != \"%s\"", i,
			    names, expect);
		free(names);
		/* The hostile text survives only as words of the subject. */
		ok = 1;
		dec = decode_2047(hdr_get(&h, "Subject"), &ok);
		if (i < 5 && strcmp(dec, "Titel Bcc: evil@example.org") != 0 &&
		    strcmp(dec, "Titel body injected") != 0)
			TEST_FAIL("case %zu: subject \"%s\"", i, dec);
		CHECK(strchr(dec, '\r') == NULL && strchr(dec, '\n') == NULL);
		free(dec);
		dec = decode_2047(hdr_get(&h, "To"), &ok);
		CHECK(strstr(dec, "<kim@example.org>, ") != NULL);
		CHECK(strstr(dec, "<alex@example.org>") != NULL);
		free(dec);
		/* Nothing leaked past the blank line into the body. */
		dec = decode_qp(msg + body, len - body, &ok);
		CHECK_STR_EQ(dec, sv_body);
		free(dec);
		hdrs_free(&h);
		free(msg);
	}
	/* A subject that looks like an encoded-word is itself encoded. */
	msg = mail_header_encode("Subject", "=?UTF-8?Q?x?=");
	ok = 1;
	{
		char *v = xstrndup(msg + 8, strlen(msg) - 10);

		dec = decode_2047(v, &ok);
		CHECK_STR_EQ(dec, "=?UTF-8?Q?x?=");
		free(dec);
		free(v);
	}
	free(msg);
}

/* Splits "Name: value\r\n..." lines, checking width, and decodes. */
static char *
header_roundtrip(const char *field, int *ok)
{
	struct buf v = { 0 };
	const char *p = field, *e, *colon;
	char *dec;

	colon = strchr(field, ':');
	if (colon == NULL)
		return xstrdup("(no colon)");
	while (*p != '\0') {
		e = strstr(p, "\r\n");
		if (e == NULL) {
			TEST_FAIL("field does not end in CRLF");
			break;
		}
		if ((size_t)(e - p) > MAIL_HEADER_WIDTH) {
			TEST_FAIL("line of %zu: %.*s", (size_t)(e - p),
			    (int)(e - p), p);
			*ok = 0;
		}
		if (p == field)
			buf_add(&v, colon + 1, (size_t)(e - colon - 1));
		else
			buf_add(&v, p, (size_t)(e - p));
		p = e + 2;
		if (*p != '\0' && *p != ' ') {
			TEST_FAIL("second field: %s", p);
			*ok = 0;
			break;
		}
	}
	dec = decode_2047(v.s ? v.s : "", ok);
	buf_free(&v);
	return dec;
}

static void
test_header_encode(void)
{
	struct buf long_sv = { 0 }, long_word = { 0 }, emoji = { 0 };
	char *f, *dec;
	int ok, i;

	/* Plain ASCII stays readable and is folded at spaces. */
	f = mail_header_encode("Subject", "Reminder: annual report 2019");
	CHECK_STR_EQ(f, "Subject: Reminder: annual report 2019\r\n");
	free(f);
	f = mail_header_encode("Subject", "");
	CHECK_STR_EQ(f, "Subject:\r\n");
	free(f);
	f = mail_header_encode("Subject", "  a \t b  ");
	CHECK_STR_EQ(f, "Subject: a b\r\n");
	free(f);
	f = mail_header_encode("Subject", "Påminnelse");
	CHECK_STR_EQ(f, "Subject: =?UTF-8?Q?P=C3=A5minnelse?=\r\n");
	free(f);

	for (i = 0; i < 30; i++)
		buf_adds(&long_sv, "Påminnelse åäö ÅÄÖ – ");
	buf_adds(&long_sv, "slut");
	ok = 1;
	f = mail_header_encode("Subject", long_sv.s);
	dec = header_roundtrip(f, &ok);
	/* The sanitiser collapses white space; the input has single spaces. */
	CHECK_STR_EQ(dec, long_sv.s);
	CHECK(ok);
	{
		/* Every encoded-word is at most 75 characters. */
		const char *p = f;
		size_t n;

		while ((p = strstr(p, "=?UTF-8?Q?")) != NULL) {
			n = (size_t)(strstr(p, "?=") + 2 - p);
			if (n > MAIL_EWORD_MAX)
				TEST_FAIL("encoded-word of %zu", n);
			p += n;
		}
	}
	free(dec);
	free(f);

	for (i = 0; i < 200; i++)
		buf_addc(&long_word, 'a' + i % 26);
	ok = 1;
	f = mail_header_encode("Subject", long_word.s);
	dec = header_roundtrip(f, &ok);
	CHECK_STR_EQ(dec, long_word.s);
	CHECK(ok);
	free(dec);
	free(f);

	/* 4-byte characters must never be split across words. */
	for (i = 0; i < 40; i++)
		buf_adds(&emoji, "\xf0\x9f\x93\x85" "ä");
	ok = 1;
	f = mail_header_encode("X-Planwatch-Test-With-A-Long-Name", emoji.s);
	dec = header_roundtrip(f, &ok);
	CHECK_STR_EQ(dec, emoji.s);
	CHECK(ok);
	free(dec);
	free(f);

	/* Plain words fill a line to exactly the width, not a column more. */
	buf_reset(&long_word);
	for (i = 0; i < 60; i++)
		buf_adds(&long_word, i ? " a" : "a");
	ok = 1;
	f = mail_header_encode("Subject", long_word.s);
	CHECK(strstr(f, "\r\n") == f + MAIL_HEADER_WIDTH);
	dec = header_roundtrip(f, &ok);
	CHECK_STR_EQ(dec, long_word.s);
	CHECK(ok);
	free(dec);
	free(f);

	/*
	 * An underscore in an encoded word means a space to a decoder: it
	 * must be written =5F, and spaces as _ (never bare).
	 */
	ok = 1;
	f = mail_header_encode("Subject", "Påminnelse snake_case _x_");
	CHECK(strstr(f, "_case") == NULL);
	dec = header_roundtrip(f, &ok);
	CHECK_STR_EQ(dec, "Påminnelse snake_case _x_");
	CHECK(ok);
	free(dec);
	free(f);

	/* The C1 controls, to the last (U+009F), and NBSP are spaces. */
	ok = 1;
	f = mail_header_encode("Subject",
	    "å\xc2\x80" "b\xc2\x9f" "c\xc2\xa0" "d");
	dec = header_roundtrip(f, &ok);
	CHECK_STR_EQ(dec, "å b c d");
	CHECK(ok);
	free(dec);
	free(f);

	/* Malformed UTF-8 becomes U+FFFD rather than passing through. */
	ok = 1;
	f = mail_header_encode("Subject", "a\xff" "b\xc3");
	dec = header_roundtrip(f, &ok);
	CHECK_STR_EQ(dec, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	CHECK(ok);
	free(dec);
	free(f);

	buf_free(&long_sv);
	buf_free(&long_word);
	buf_free(&emoji);
}

/* Encodes, checks line widths and CRLF, decodes and compares. */
static void
qp_roundtrip(const char *in, const char *expect_dec, const char *label)
{
	char *enc, *dec;
	size_t len, i, start = 0;
	int ok = 1;

	enc = mail_qp_encode(in, strlen(in), &len);
	CHECK_INT_EQ(len, strlen(enc));
	for (i = 0; i < len; i++) {
		if ((unsigned char)enc[i] >= 0x80)
			TEST_FAIL("%s: 8-bit byte at %zu", label, i);
		if (enc[i] == '\n' && (i == 0 || enc[i - 1] != '\r'))
			TEST_FAIL("%s: bare LF at %zu", label, i);
		if (enc[i] == '\r' && enc[i + 1] != '\n')
			TEST_FAIL("%s: bare CR at %zu", label, i);
		if (enc[i] == '\n' || i + 1 == len) {
			size_t ll = i + 1 == len && enc[i] != '\n' ?
			    i + 1 - start : i - 1 - start;

			if (ll > MAIL_QP_WIDTH)
				TEST_FAIL("%s: line of %zu: %.*s", label, ll,
				    (int)ll, enc + start);
			/* No line may end in white space. */
			if (ll > 0 && (enc[start + ll - 1] == ' ' ||
			    enc[start + ll - 1] == '\t'))
				TEST_FAIL("%s: trailing blank: %.*s", label,
				    (int)ll, enc + start);
			start = i + 1;
		}
	}
	dec = decode_qp(enc, len, &ok);
	if (strcmp(dec, expect_dec) != 0)
		TEST_FAIL("%s: decoded \"%s\" != \"%s\"", label, dec,
		    expect_dec);
	if (!ok)
		TEST_FAIL("%s: a character was split by a soft break", label);
	free(dec);
	free(enc);
}

static void
test_qp(void)
{
	struct buf b = { 0 };
	char *enc;
	int i;

	enc = mail_qp_encode("a=b \nc\t\n", 8, NULL);
	CHECK_STR_EQ(enc, "a=3Db=20\r\nc=09\r\n");
	free(enc);
	enc = mail_qp_encode("From here\nFrom\nfrom x\n", 22, NULL);
	CHECK_STR_EQ(enc, "=46rom here\r\nFrom\r\nfrom x\r\n");
	free(enc);
	enc = mail_qp_encode("åäö\r\nx", 9, NULL);
	CHECK_STR_EQ(enc, "=C3=A5=C3=A4=C3=B6\r\nx");
	free(enc);
	enc = mail_qp_encode("", 0, NULL);
	CHECK_STR_EQ(enc, "");
	free(enc);
	enc = mail_qp_encode("a\rb\x01\x7f\n", 6, NULL);
	CHECK_STR_EQ(enc, "a=0Db=01=7F\r\n");
	free(enc);
	/* Exactly 76 characters fit on one line; 77 need a soft break. */
	for (i = 0; i < 76; i++)
		buf_addc(&b, 'x');
	enc = mail_qp_encode(b.s, b.len, NULL);
	CHECK_STR_EQ(enc, b.s);
	free(enc);
	buf_addc(&b, 'y');
	enc = mail_qp_encode(b.s, b.len, NULL);
	CHECK(strncmp(enc + 75, "=\r\nxy", 5) == 0);
	CHECK_INT_EQ(strlen(enc), 75 + 3 + 2);
	free(enc);
	buf_reset(&b);
	/* An encoded last character: =3D at 74..76 fits, at 75..77 not. */
	for (i = 0; i < 73; i++)
		buf_addc(&b, 'x');
	buf_addc(&b, '=');
	enc = mail_qp_encode(b.s, b.len, NULL);
	CHECK(strncmp(enc + 73, "=3D", 4) == 0);
	free(enc);
	b.len--;
	buf_adds(&b, "x=");
	qp_roundtrip(b.s, b.s, "encoded at the edge");
	enc = mail_qp_encode(b.s, b.len, NULL);
	CHECK(strncmp(enc + 74, "=\r\n=3D", 8) == 0);
	free(enc);
	buf_reset(&b);

	/* A long line of one word. */
	for (i = 0; i < 1000; i++)
		buf_addc(&b, 'a' + i % 26);
	buf_addc(&b, '\n');
	qp_roundtrip(b.s, b.s, "long word");
	buf_reset(&b);
	/* Lines of only "=" (each one triples in size). */
	for (i = 0; i < 100; i++)
		buf_addc(&b, '=');
	buf_adds(&b, "\n=\n==\n");
	qp_roundtrip(b.s, b.s, "equals");
	buf_reset(&b);
	/* Trailing spaces, also where a soft break falls near them. */
	for (i = 0; i < 200; i++)
		buf_addc(&b, ' ');
	buf_adds(&b, "\nx \t \n \n\t\n");
	qp_roundtrip(b.s, b.s, "blanks");
	buf_reset(&b);
	/* Multibyte characters at every alignment against the width. */
	for (i = 0; i < 12; i++) {
		int k;

		buf_reset(&b);
		for (k = 0; k < i; k++)
			buf_addc(&b, '.');
		for (k = 0; k < 60; k++)
			buf_adds(&b, k % 3 ? "ö" : "\xf0\x9f\x93\x85");
		buf_adds(&b, "\n");
		qp_roundtrip(b.s, b.s, "multibyte");
	}
	/* A final line without newline; lines starting with "From ". */
	buf_reset(&b);
	for (i = 0; i < 10; i++)
		buf_adds(&b, "From the start, a line that is long enough to wrap "
		    "From the plan From again\n");
	buf_adds(&b, "utan radslut");
	qp_roundtrip(b.s, b.s, "from");
	/* Malformed UTF-8 decodes as U+FFFD. */
	qp_roundtrip("a\xc3(b\xff\n", "a\xef\xbf\xbd(b\xef\xbf\xbd\n",
	    "malformed");
	buf_free(&b);
}

static void
test_several_recipients(void)
{
	struct mail_addr to[4] = {
		{ "Kim Exempel", "kim@example.org" },
		{ "Åsa Öberg-Ärlig, enhetschef", "asa@example.org" },
		{ NULL, "registrator@example.org" },
		{ "", "alex.exempelsson-med-ett-langt-namn@"
		    "stadsdelsforvaltning.example.org" },
	};
	struct mail_msg m;
	struct hdrs h;
	char *msg, *dec;
	size_t len;
	int ok = 1;

	base_msg(&m);
	m.to = to;
	m.nto = 4;
	msg = mail_compose(&m, &len, NULL);
	CHECK(msg != NULL && check_wire(msg, len, &h) > 0);
	dec = decode_2047(hdr_get(&h, "To"), &ok);
	CHECK_STR_EQ(dec, "Kim Exempel <kim@example.org>, "
	    "Åsa Öberg-Ärlig, enhetschef <asa@example.org>, "
	    "registrator@example.org, alex.exempelsson-med-ett-langt-namn@"
	    "stadsdelsforvaltning.example.org");
	CHECK(ok);
	free(dec);
	hdrs_free(&h);
	free(msg);
}

static void
test_late_and_threading(void)
{
	struct mail_msg m;
	struct hdrs h;
	char *msg, *names;
	size_t len;

	base_msg(&m);
	m.late = 1;
	m.kind = "escalation";
	m.in_reply_to = "pw.aaaa@planwatch.example.org";
	m.body = "utan radslut";
	msg = mail_compose(&m, &len, NULL);
	CHECK(msg != NULL && check_wire(msg, len, &h) > 0);
	names = hdr_names(&h);
	CHECK_STR_EQ(names, "Date From To Subject Message-ID In-Reply-To "
	    "References MIME-Version Content-Type Content-Transfer-Encoding "
	    "Auto-Submitted X-Auto-Response-Suppress X-Planwatch-Kind "
	    "X-Planwatch-Late");
	CHECK_STR_EQ(hdr_get(&h, "X-Planwatch-Late"), " yes");
	CHECK_STR_EQ(hdr_get(&h, "In-Reply-To"),
	    " <pw.aaaa@planwatch.example.org>");
	/* The body gets its final CRLF. */
	CHECK(len > 14 && strcmp(msg + len - 14, "utan radslut\r\n") == 0);
	free(names);
	hdrs_free(&h);
	free(msg);
}

/* The message is fixed input to fixed output: compare with the file. */
static void
test_golden(void)
{
	struct mail_msg m;
	char *msg, *path, *want;
	size_t len, wantlen;

	base_msg(&m);
	m.list_name = "planwatch påminnelser";
	m.list_id = "reminders.planwatch.example.org";
	m.kind = "reminder";
	msg = mail_compose(&m, &len, NULL);
	CHECK(msg != NULL);
	path = xasprintf("%s/templates/golden-message.eml", test_data_dir());
	want = read_file(path, &wantlen);
	if (want == NULL)
		TEST_FAIL("cannot read %s", path);
	else if (msg != NULL && (wantlen != len || memcmp(want, msg, len))) {
		TEST_FAIL("%s differs; got:\n%s", path, msg);
		if (getenv("UPDATE_GOLDEN") != NULL) {
			FILE *fp = fopen(path, "wb");

			if (fp != NULL) {
				fwrite(msg, 1, len, fp);
				fclose(fp);
			}
		}
	}
	free(want);
	free(path);
	free(msg);
}

/* Python's email package must decode what we wrote, without defects. */
static void
test_python(void)
{
	struct mail_msg m;
	struct buf out = { 0 };
	char tmpl[] = "/tmp/test_mail.XXXXXX", *msg, *cmd, *want, line[4096];
	const char *script = "tests/mailparse.py";
	FILE *fp;
	size_t len;
	int fd, st;

	if (access("/usr/bin/python3", X_OK) != 0 ||
	    access(script, R_OK) != 0) {
		printf("test_mail: /usr/bin/python3 or %s missing, "
		    "skipping the cross-check\n", script);
		return;
	}
	base_msg(&m);
	m.reply_to_name = "Samordnare VBE, Skarpnäck";
	m.reply_to = "samordnare@skarpnack.example.org";
	m.list_name = "planwatch påminnelser";
	m.list_id = "reminders.planwatch.example.org";
	msg = mail_compose(&m, &len, NULL);
	CHECK(msg != NULL);
	if (msg == NULL)
		return;
	if ((fd = mkstemp(tmpl)) == -1 || write(fd, msg, len) != (ssize_t)len) {
		TEST_FAIL("cannot write %s", tmpl);
		free(msg);
		return;
	}
	close(fd);
	cmd = xasprintf("/usr/bin/python3 %s %s", script, tmpl);
	fp = popen(cmd, "r");
	CHECK(fp != NULL);
	if (fp != NULL) {
		size_t n;

		while ((n = fread(line, 1, sizeof(line), fp)) > 0)
			buf_add(&out, line, n);
		st = pclose(fp);
		CHECK_INT_EQ(st, 0);
	}
	unlink(tmpl);
	want = xasprintf("header Subject: %s\n", sv_subject);
	CHECK(out.s != NULL && strstr(out.s, want) != NULL);
	free(want);
	CHECK(out.s != NULL && strstr(out.s, "header From: Planwatch Skarpnäck "
	    "<planwatch@skarpnack.example.org>\n") != NULL);
	CHECK(out.s != NULL && strstr(out.s, "header To: Örjan Ångström "
	    "<orjan.angstrom@skarpnack.example.org>\n") != NULL);
	CHECK(out.s != NULL && strstr(out.s, "header Reply-To: "
	    "\"Samordnare VBE, Skarpnäck\" "
	    "<samordnare@skarpnack.example.org>\n") != NULL);
	want = xasprintf("\n\n%s", sv_body);
	if (out.s == NULL || out.len < strlen(want) ||
	    strcmp(out.s + out.len - strlen(want), want) != 0)
		TEST_FAIL("python decoded:\n%s\nwanted body:\n%s",
		    out.s ? out.s : "(nothing)", sv_body);
	free(want);
	free(cmd);
	buf_free(&out);
	free(msg);
}

int
main(void)
{
	setenv("TZ", TZ_SWEDEN, 1);
	tzset();
	TEST_RUN(test_swedish_roundtrip);
	TEST_RUN(test_date);
	TEST_RUN(test_message_id);
	TEST_RUN(test_addresses);
	TEST_RUN(test_injection);
	TEST_RUN(test_header_encode);
	TEST_RUN(test_qp);
	TEST_RUN(test_several_recipients);
	TEST_RUN(test_late_and_threading);
	TEST_RUN(test_golden);
	TEST_RUN(test_python);
	return TEST_END("mail");
}
