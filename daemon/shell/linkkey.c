/*
 * linkkey: the link-signing key file and the HMAC.
 *
 * The file is text, so that an admin can see what it is:
 *
 *	# planwatch: the key that signs links ...
 *	generation 3
 *	key 5f0c...(64 hex digits)
 *
 * It is never edited by hand; rotate-key writes a new one beside it and
 * renames it into place, so a crash leaves the old key or the new one,
 * never half of either.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "link.h"
#include "linkkey.h"
#include "log.h"
#include "util.h"

#define KEY_LEN		32
#define KEY_FILE_MAX	1024

struct linkkey {
	char		*path;
	unsigned	 generation;
	unsigned char	 key[KEY_LEN];
};

static int
random_bytes(unsigned char *p, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom(p + got, n - got, 0);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Parses the file's text; 0, or -1 with what is wrong in `why`. */
static int
parse(const char *text, struct linkkey *k, const char **why)
{
	const char *line, *eol;
	long long gen = -1;
	int have_key = 0, hi, lo;
	size_t i;

	for (line = text; *line != '\0'; line = eol) {
		eol = strchr(line, '\n');
		eol = eol != NULL ? eol + 1 : line + strlen(line);
		if (*line == '#' || *line == '\n')
			continue;
		if (strncmp(line, "generation ", 11) == 0) {
			char num[16];
			size_t n = strcspn(line + 11, "\n");

			if (n == 0 || n >= sizeof(num)) {
				*why = "bad generation line";
				return -1;
			}
			memcpy(num, line + 11, n);
			num[n] = '\0';
			if (parse_int64(num, &gen) != 0 || gen < 1 ||
			    gen > 0xffff) {
				*why = "the generation must be 1 to 65535";
				return -1;
			}
		} else if (strncmp(line, "key ", 4) == 0) {
			if (strcspn(line + 4, "\n") != 2 * KEY_LEN) {
				*why = "the key must be 64 hex digits";
				return -1;
			}
			for (i = 0; i < KEY_LEN; i++) {
				hi = hex_digit(line[4 + 2 * i]);
				lo = hex_digit(line[5 + 2 * i]);
				if (hi < 0 || lo < 0) {
					*why = "the key must be 64 hex digits";
					return -1;
				}
				k->key[i] = (unsigned char)(hi << 4 | lo);
			}
			have_key = 1;
		} else {
			*why = "unexpected line (expected 'generation N' and "
			    "'key HEX')";
			return -1;
		}
	}
	if (gen < 0 || !have_key) {
		*why = "it needs a 'generation' and a 'key' line";
		return -1;
	}
	k->generation = (unsigned)gen;
	return 0;
}

/* Syncs the directory holding `path`, so a rename or link lasts. */
static int
sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd, rc = 0;

	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || fsync(fd) == -1)
		rc = -1;
	if (fd != -1)
		close(fd);
	free(copy);
	return rc;
}

/*
 * Writes the key to a new temporary file beside `k->path` and puts it in
 * place: by link(2) when `replace` is 0 (an existing file wins: another
 * process made one first), by rename(2) otherwise.  0; 1 when link(2)
 * found a file there; -1 with `err`.
 */
static int
write_key(const struct linkkey *k, int replace, char *err, size_t errlen)
{
	char *tmp = xasprintf("%s.new-%ld", k->path, (long)getpid());
	struct buf b = { 0 };
	size_t i;
	int fd, rc = -1;

	buf_printf(&b, "# planwatch: the key that signs the links in its "
	    "mails.  Secret: mode 0600.\n# Replace it only with "
	    "`planwatchctl web rotate-key`.\ngeneration %u\nkey ",
	    k->generation);
	for (i = 0; i < KEY_LEN; i++)
		buf_printf(&b, "%02x", k->key[i]);
	buf_addc(&b, '\n');
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		set_error(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, b.s, b.len) != (ssize_t)b.len || fsync(fd) == -1) {
		set_error(err, errlen, "%s: write: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if ((replace ? rename(tmp, k->path) : link(tmp, k->path)) == -1) {
		rc = !replace && errno == EEXIST ? 1 : -1;
		set_error(err, errlen, "%s: %s", k->path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (!replace)
		unlink(tmp);
	if (sync_dir(k->path) == -1)
		log_warn("linkkey: %s: sync directory", k->path);
	rc = 0;
out:
	explicit_bzero(b.s, b.cap);
	buf_free(&b);
	free(tmp);
	return rc;
}

/* Reads an existing key file; 1 read, 0 absent, -1 with `err`. */
static int
read_key(struct linkkey *k, char *err, size_t errlen)
{
	char text[KEY_FILE_MAX + 1];
	const char *why = NULL;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(k->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		return 0;
	if (fd == -1) {
		set_error(err, errlen, "%s: %s", k->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		set_error(err, errlen, "%s: not a regular file", k->path);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		set_error(err, errlen, "%s: the link key must be the daemon "
		    "user's alone (mode %04o); chmod 0600 it, or remove it "
		    "and every link sent so far stops working",
		    k->path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	n = read(fd, text, KEY_FILE_MAX);
	close(fd);
	if (n < 0) {
		set_error(err, errlen, "%s: %s", k->path, strerror(errno));
		return -1;
	}
	text[n] = '\0';
	if ((size_t)n == KEY_FILE_MAX || strlen(text) != (size_t)n ||
	    parse(text, k, &why) != 0) {
		set_error(err, errlen, "%s: not a link key file: %s", k->path,
		    why ? why : "too long");
		explicit_bzero(text, sizeof(text));
		return -1;
	}
	explicit_bzero(text, sizeof(text));
	return 1;
}

struct linkkey *
linkkey_open(const char *path, char *err, size_t errlen)
{
	struct linkkey *k = xcalloc(1, sizeof(*k));
	int rc;

	k->path = xstrdup(path);
	if ((rc = read_key(k, err, errlen)) == 1)
		return k;
	if (rc == 0) {
		k->generation = 1;
		if (random_bytes(k->key, KEY_LEN) != 0)
			set_error(err, errlen, "%s: no randomness for a new "
			    "key: %s", path, strerror(errno));
		else if ((rc = write_key(k, 0, err, errlen)) == 0) {
			log_info("linkkey: %s: a new link key (generation 1)",
			    path);
			return k;
		} else if (rc == 1 && read_key(k, err, errlen) == 1)
			return k;	/* made meanwhile by another */
	}
	linkkey_close(k);
	return NULL;
}

int
linkkey_rotate(struct linkkey *k, char *err, size_t errlen)
{
	struct linkkey next;

	memset(&next, 0, sizeof(next));
	next.path = k->path;
	next.generation = k->generation >= 0xffff ? 1 : k->generation + 1;
	if (random_bytes(next.key, KEY_LEN) != 0) {
		set_error(err, errlen, "no randomness for a new key: %s",
		    strerror(errno));
		return -1;
	}
	if (write_key(&next, 1, err, errlen) != 0) {
		explicit_bzero(next.key, sizeof(next.key));
		return -1;
	}
	k->generation = next.generation;
	memcpy(k->key, next.key, KEY_LEN);
	explicit_bzero(next.key, sizeof(next.key));
	return 0;
}

unsigned
linkkey_generation(const struct linkkey *k)
{
	return k->generation;
}

static void
hmac(const struct linkkey *k, char domain,
    const unsigned char payload[LINK_PAYLOAD_LEN],
    unsigned char out[EVP_MAX_MD_SIZE], unsigned int *len)
{
	unsigned char in[1 + LINK_PAYLOAD_LEN];

	in[0] = (unsigned char)domain;
	memcpy(in + 1, payload, LINK_PAYLOAD_LEN);
	if (HMAC(EVP_sha256(), k->key, KEY_LEN, in, sizeof(in), out, len) ==
	    NULL || *len < LINK_TAG_LEN)
		fatalx("linkkey: HMAC-SHA256 failed");
}

static void
sign_cb(void *arg, char domain, const unsigned char payload[LINK_PAYLOAD_LEN],
    unsigned char tag[LINK_TAG_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len;

	hmac(arg, domain, payload, md, &len);
	memcpy(tag, md, LINK_TAG_LEN);
	explicit_bzero(md, sizeof(md));
}

static int
verify_cb(void *arg, char domain, const unsigned char payload[LINK_PAYLOAD_LEN],
    const unsigned char tag[LINK_TAG_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len;
	int same;

	hmac(arg, domain, payload, md, &len);
	same = CRYPTO_memcmp(md, tag, LINK_TAG_LEN) == 0;
	explicit_bzero(md, sizeof(md));
	return same;
}

void
linkkey_signer(struct linkkey *k, struct link_signer *s)
{
	s->sign = sign_cb;
	s->verify = verify_cb;
	s->arg = k;
	s->generation = k->generation;
}

void
linkkey_close(struct linkkey *k)
{
	if (k == NULL)
		return;
	explicit_bzero(k->key, sizeof(k->key));
	free(k->path);
	free(k);
}
