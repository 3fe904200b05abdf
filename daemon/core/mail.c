/*
 * mail: RFC 5322 message composition.  libesmtp sends the bytes it is given
 * and only dot-stuffs, so this file owns every encoding rule: the header
 * fields are 7-bit ASCII with RFC 2047 Q encoded-words where the text is
 * not, folded at 78 characters; the body is UTF-8 in quoted-printable with
 * lines of at most 76 characters; every line ends in CRLF.
 *
 * Injection is prevented structurally rather than by escaping: text fields
 * (names, subject, List-Id phrase) pass through sanitize(), which turns
 * every control character into a space, so no CR or LF from data ever
 * reaches the output; fields that cannot be encoded (addresses, ids) are
 * validated and the message is refused when they are malformed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail.h"
#include "util.h"

#define EWORD_PREFIX	"=?UTF-8?Q?"
#define EWORD_OVERHEAD	12	/* "=?UTF-8?Q?" and "?=" */
#define EWORD_MINCHAR	12	/* a 4-byte character, Q encoded */

static const char hexdig[] = "0123456789ABCDEF";

static void	qp_encode(struct buf *, const char *, size_t);

/*
 * Length of the well-formed UTF-8 sequence at p (1 to 4), or 0 when it is
 * malformed: a stray continuation byte, a truncated sequence, an overlong
 * form, a surrogate or a code point above U+10FFFF.
 */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * Makes header text safe to encode: malformed UTF-8 becomes U+FFFD, and
 * every control character (C0, DEL, C1, and the Unicode line and paragraph
 * separators that some clients render as breaks) becomes a space.  White
 * space runs collapse to one space and the ends are trimmed, because a
 * header field is one logical line.  Returns a string the caller frees.
 */
static char *
sanitize(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len;
	struct buf b = { 0 };
	int space = 0;

	while (i < n) {
		len = utf8_seq(p + i, n - i);
		if (len == 0) {
			if (space && b.len > 0)
				buf_addc(&b, ' ');
			space = 0;
			buf_adds(&b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if ((len == 1 && (p[i] <= 0x20 || p[i] == 0x7f)) ||
		    (len == 2 && p[i] == 0xc2 && p[i + 1] <= 0x9f) ||
		    (len == 2 && p[i] == 0xc2 && p[i + 1] == 0xa0) ||
		    (len == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))) {
			space = 1;
			i += len;
			continue;
		}
		if (space && b.len > 0)
			buf_addc(&b, ' ');
		space = 0;
		buf_add(&b, p + i, len);
		i += len;
	}
	return buf_take(&b);
}

/*
 * A header line being written: the field so far and the column of its
 * current physical line, so tokens can be folded before they would cross
 * MAIL_HEADER_WIDTH.
 */
struct hw {
	struct buf	b;
	size_t		col;
};

static void
hw_start(struct hw *h, const char *name)
{
	buf_adds(&h->b, name);
	buf_addc(&h->b, ':');
	h->col = strlen(name) + 1;
}

/* Adds a space, or a fold when a token of `len` would not fit after it. */
static void
hw_sep(struct hw *h, size_t len)
{
	if (h->col > 1 && h->col + 1 + len > MAIL_HEADER_WIDTH) {
		buf_adds(&h->b, "\r\n ");
		h->col = 1;
	} else {
		buf_addc(&h->b, ' ');
		h->col++;
	}
}

static void
hw_word(struct hw *h, const char *s, size_t len)
{
	hw_sep(h, len);
	buf_add(&h->b, s, len);
	h->col += len;
}

static void
hw_end(struct hw *h)
{
	buf_adds(&h->b, "\r\n");
}

/* Characters RFC 2047 §5(3) lets stand for themselves in any Q word. */
static int
q_literal(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/';
}

static size_t
q_len(const unsigned char *p, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		len += (q_literal(p[i]) || p[i] == ' ') ? 1 : 3;
	return len;
}

static void
q_add(struct buf *b, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (q_literal(p[i]))
			buf_addc(b, p[i]);
		else if (p[i] == ' ')
			buf_addc(b, '_');
		else {
			buf_addc(b, '=');
			buf_addc(b, hexdig[p[i] >> 4]);
			buf_addc(b, hexdig[p[i] & 15]);
		}
	}
}

/*
 * Writes sanitized text as a run of encoded-words.  Each word takes whole
 * UTF-8 characters only, so no decoder ever sees half a character, and is
 * sized to what is left of the line (at most MAIL_EWORD_MAX); white space
 * between adjacent encoded-words is ignored by decoders, so folding between
 * them adds nothing to the text.
 */
static void
hw_encoded(struct hw *h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, start, used, clen, qlen, cap;

	while (i < n) {
		if (h->col > 1 && h->col + 1 + EWORD_OVERHEAD + EWORD_MINCHAR >
		    MAIL_HEADER_WIDTH) {
			buf_adds(&h->b, "\r\n ");
			h->col = 1;
		} else {
			buf_addc(&h->b, ' ');
			h->col++;
		}
		cap = MAIL_HEADER_WIDTH - h->col;
		if (cap > MAIL_EWORD_MAX)
			cap = MAIL_EWORD_MAX;
		start = i;
		used = EWORD_OVERHEAD;
		while (i < n) {
			/* sanitize() left only well-formed UTF-8. */
			clen = utf8_seq(p + i, n - i);
			if (clen == 0)
				clen = 1;
			qlen = q_len(p + i, clen);
			if (used + qlen > cap && i > start)
				break;
			used += qlen;
			i += clen;
		}
		buf_adds(&h->b, EWORD_PREFIX);
		q_add(&h->b, p + start, i - start);
		buf_adds(&h->b, "?=");
		h->col += used;
	}
}

/*
 * Whether sanitized text can be written as it is in an unstructured field:
 * printable ASCII, nothing a decoder could mistake for an encoded-word, and
 * no word too long to fit on a folded line.
 */
static int
plain_ok(const char *s, int phrase)
{
	const char *p;
	size_t word = 0;

	if (strstr(s, "=?") != NULL)
		return 0;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ') {
			word = 0;
			continue;
		}
		if (c < 0x21 || c > 0x7e)
			return 0;
		/* In a phrase only atext may stand unquoted (RFC 5322). */
		if (phrase && !(q_literal(c) || strchr("#$%&'=?^_`{|}~", c)))
			return 0;
		if (++word > MAIL_HEADER_WIDTH - 2)
			return 0;
	}
	return 1;
}

/* Writes sanitized text, as plain words when possible, else encoded. */
static void
hw_text(struct hw *h, const char *s, int phrase)
{
	const char *p, *e;

	if (!plain_ok(s, phrase)) {
		hw_encoded(h, s);
		return;
	}
	for (p = s; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		hw_word(h, p, (size_t)(e - p));
	}
}

char *
mail_header_encode(const char *name, const char *value)
{
	struct hw h = { { 0 }, 0 };
	char *clean;

	clean = sanitize(value != NULL ? value : "");
	hw_start(&h, name);
	hw_text(&h, clean, 0);
	hw_end(&h);
	free(clean);
	return buf_take(&h.b);
}

int
mail_addr_valid(const char *addr)
{
	const char *p;
	size_t n, at = 0, atpos = 0;

	if (addr == NULL || (n = strlen(addr)) < 3 || n > 254)
		return 0;
	for (p = addr; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f || strchr("<>,;:\"()[]\\", c))
			return 0;
		if (c == '@') {
			at++;
			atpos = (size_t)(p - addr);
		}
	}
	return at == 1 && atpos > 0 && atpos < n - 1;
}

/*
 * A List-Id (RFC 2919) is a dot-atom: atext separated by single dots.
 * Checked rather than repaired, like addresses.
 */
static int
list_id_valid(const char *s)
{
	const char *p;
	int prevdot = 1;

	if (s == NULL || *s == '\0' || strlen(s) > 200)
		return 0;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '.') {
			if (prevdot)
				return 0;
			prevdot = 1;
			continue;
		}
		prevdot = 0;
		if (!(q_literal(c) || strchr("#$%&'=?^_`{|}~", c)))
			return 0;
	}
	return !prevdot;
}

/* A kind is a short token: lower-case letters, digits and hyphens. */
static int
kind_valid(const char *s)
{
	const char *p;

	if (*s == '\0' || strlen(s) > 40)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return 0;
	return 1;
}

int
mail_message_id(const char *key, int64_t seq, const char *domain, char *out,
    size_t outsz)
{
	char hex[65];
	int n;

	if (key == NULL || domain == NULL || seq < 0 ||
	    strchr(domain, '@') != NULL || !list_id_valid(domain))
		return -1;
	/* 128 bits of the hash are plenty to keep keys apart. */
	sha256_hex(key, strlen(key), hex);
	n = snprintf(out, outsz, "pw.%012llx.%.32s@%s", (unsigned long long)seq,
	    hex, domain);
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	return 0;
}

/* Writes "name <addr>" (or the bare address) as tokens of a header. */
static void
hw_mailbox(struct hw *h, const char *name, const char *addr, int comma)
{
	char *clean, *tok;

	clean = sanitize(name != NULL ? name : "");
	if (*clean != '\0') {
		hw_text(h, clean, 1);
		tok = xasprintf("<%s>%s", addr, comma ? "," : "");
	} else
		tok = xasprintf("%s%s", addr, comma ? "," : "");
	hw_word(h, tok, strlen(tok));
	free(tok);
	free(clean);
}

/*
 * The Date field in RFC 5322 form.  Day and month names are spelled out
 * here because strftime() would follow the locale.
 */
static void
add_date(struct buf *b, time_t t)
{
	static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL) {
		gmtime_r(&t, &tm);
		tm.tm_gmtoff = 0;
	}
	off = tm.tm_gmtoff / 60;
	buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

static const char *
check_msg(const struct mail_msg *m)
{
	size_t i;

	if (!mail_addr_valid(m->from_addr))
		return "missing or invalid From address";
	if (m->reply_to != NULL && !mail_addr_valid(m->reply_to))
		return "invalid Reply-To address";
	if (m->nto == 0 && !mail_addr_valid(m->to_addr))
		return "missing or invalid To address";
	for (i = 0; i < m->nto; i++)
		if (!mail_addr_valid(m->to[i].addr))
			return "invalid To address";
	if (m->subject == NULL)
		return "missing Subject";
	if (!mail_addr_valid(m->message_id))
		return "missing or invalid Message-ID";
	if (m->in_reply_to != NULL && !mail_addr_valid(m->in_reply_to))
		return "invalid In-Reply-To";
	if (m->list_id != NULL && !list_id_valid(m->list_id))
		return "invalid List-Id";
	if (m->kind != NULL && !kind_valid(m->kind))
		return "invalid kind";
	return NULL;
}

char *
mail_compose(const struct mail_msg *m, size_t *lenp, const char **reason)
{
	struct buf out = { 0 };
	struct hw h = { { 0 }, 0 };
	const char *why, *body;
	char *s;
	size_t i, start;

	if ((why = check_msg(m)) != NULL) {
		if (reason != NULL)
			*reason = why;
		return NULL;
	}

	add_date(&out, m->date);

	hw_start(&h, "From");
	hw_mailbox(&h, m->from_name, m->from_addr, 0);
	hw_end(&h);
	if (m->reply_to != NULL) {
		hw_start(&h, "Reply-To");
		hw_mailbox(&h, m->reply_to_name, m->reply_to, 0);
		hw_end(&h);
	}
	hw_start(&h, "To");
	if (m->nto == 0)
		hw_mailbox(&h, m->to_name, m->to_addr, 0);
	for (i = 0; i < m->nto; i++)
		hw_mailbox(&h, m->to[i].name, m->to[i].addr, i + 1 < m->nto);
	hw_end(&h);
	s = buf_take(&h.b);
	buf_adds(&out, s);
	free(s);

	s = mail_header_encode("Subject", m->subject);
	buf_adds(&out, s);
	free(s);

	buf_printf(&out, "Message-ID: <%s>\r\n", m->message_id);
	if (m->in_reply_to != NULL)
		buf_printf(&out, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n",
		    m->in_reply_to, m->in_reply_to);
	if (m->list_id != NULL) {
		hw_start(&h, "List-Id");
		if (m->list_name != NULL) {
			s = sanitize(m->list_name);
			hw_text(&h, s, 1);
			free(s);
		}
		s = xasprintf("<%s>", m->list_id);
		hw_word(&h, s, strlen(s));
		free(s);
		hw_end(&h);
		s = buf_take(&h.b);
		buf_adds(&out, s);
		free(s);
	}
	buf_adds(&out, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    /* Keeps Exchange from answering with out-of-office replies. */
	    "X-Auto-Response-Suppress: OOF, AutoReply\r\n");
	if (m->kind != NULL)
		buf_printf(&out, "X-Planwatch-Kind: %s\r\n", m->kind);
	if (m->late)
		buf_adds(&out, "X-Planwatch-Late: yes\r\n");
	buf_adds(&out, "\r\n");

	body = m->body != NULL ? m->body : "";
	start = out.len;
	qp_encode(&out, body, strlen(body));
	if (out.len > start && (out.len - start < 2 ||
	    memcmp(out.s + out.len - 2, "\r\n", 2) != 0))
		buf_adds(&out, "\r\n");

	if (lenp != NULL)
		*lenp = out.len;
	return buf_take(&out);
}

/* A byte quoted-printable writes as itself (but see trailing blanks). */
#define QP_LITERAL(c)	(((c) >= 0x21 && (c) <= 0x7e && (c) != '=') || \
	    (c) == ' ' || (c) == '\t')

/*
 * Encodes one logical line (without its line end) into out, with soft
 * breaks.  The line is taken one character at a time (a UTF-8 sequence is
 * one character), so a soft break can only fall between characters.
 */
static void
qp_line(struct buf *out, const unsigned char *p, size_t n)
{
	static const unsigned char bad[] = { 0xef, 0xbf, 0xbd };
	const unsigned char *src;
	size_t i = 0, k, raw, nhex, width, pos = 0;
	char *o;

	/*
	 * At most 9 characters (a replaced byte) and a soft break a byte;
	 * a size that overflows is refused by buf_reserve().
	 */
	buf_reserve(out, n > SIZE_MAX / 12 ? SIZE_MAX : 12 * n);
	o = out->s + out->len;
	while (i < n) {
		/*
		 * A run of characters that stand for themselves, short of
		 * the soft-break column and of the line's last character
		 * (which has rules of its own), is copied as it is; so is
		 * anything but an "F" where a line starts.
		 */
		if (pos < MAIL_QP_WIDTH - 1 && (pos > 0 || p[i] != 'F')) {
			size_t j = i, end = i + (MAIL_QP_WIDTH - 1 - pos);

			if (end > n - 1)
				end = n - 1;
			while (j < end && QP_LITERAL(p[j]))
				j++;
			if (j > i) {
				memcpy(o, p + i, j - i);
				o += j - i;
				pos += j - i;
				i = j;
				continue;
			}
		}
		src = p + i;
		raw = 1;
		if (QP_LITERAL(p[i]))
			/* Transports may strip trailing white space. */
			nhex = i + 1 == n && (p[i] == ' ' || p[i] == '\t');
		else if (p[i] < 0x80)
			nhex = 1;
		else if ((raw = utf8_seq(p + i, n - i)) == 0) {
			src = bad;
			raw = 1;
			nhex = 3;
		} else
			nhex = raw;
		width = nhex > 0 ? 3 * nhex : 1;
		/* Room for the `=` of a soft break unless this ends the line. */
		if (pos > 0 && pos + width > (i + raw == n ? MAIL_QP_WIDTH :
		    MAIL_QP_WIDTH - 1)) {
			memcpy(o, "=\r\n", 3);
			o += 3;
			pos = 0;
		}
		/* mbox readers mangle a line starting "From ". */
		if (pos == 0 && width == 1 && p[i] == 'F' && n - i >= 5 &&
		    memcmp(p + i, "From ", 5) == 0) {
			memcpy(o, "=46", 3);
			o += 3;
			pos = 3;
			i++;
			continue;
		}
		if (nhex == 0)
			*o++ = (char)p[i];
		for (k = 0; k < nhex; k++) {
			*o++ = '=';
			*o++ = hexdig[src[k] >> 4];
			*o++ = hexdig[src[k] & 15];
		}
		pos += width;
		i += raw;
	}
	out->len = (size_t)(o - out->s);
	out->s[out->len] = '\0';
}

/* Appends the quoted-printable form of s[0..n) to out. */
static void
qp_encode(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, e, end;

	while (i < n) {
		const unsigned char *nl = memchr(p + i, '\n', n - i);

		e = nl != NULL ? (size_t)(nl - p) : n;
		end = e;
		if (nl != NULL && end > i && p[end - 1] == '\r')
			end--;
		qp_line(out, p + i, end - i);
		if (nl == NULL)
			break;
		buf_adds(out, "\r\n");
		i = e + 1;
	}
}

char *
mail_qp_encode(const char *s, size_t n, size_t *outlen)
{
	struct buf out = { 0 };

	qp_encode(&out, s, n);
	if (outlen != NULL)
		*outlen = out.len;
	return buf_take(&out);
}
