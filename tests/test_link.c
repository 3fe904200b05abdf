/*
 * test_link: signed links (daemon/core/link.c) and their key (daemon/shell/linkkey.c):
 * the fields survive the text form, every changed character is refused,
 * the checks on expiry and epoch, the key file's creation, mode and
 * rotation, and the form tokens bound to a link.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link.h"
#include "linkkey.h"
#include "util.h"
#include "test.h"

/* A scratch directory for key files; removed by cleanup(). */
static char dir[] = "/tmp/planwatch-link-XXXXXX";

static char *
key_path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
test_pack(void)
{
	struct link l = { LINK_MESSAGE, 7, 123456, 3, 1700000000, 4242 }, m;
	unsigned char p[LINK_PAYLOAD_LEN];

	CHECK_INT_EQ(link_pack(&l, p), 0);
	CHECK_INT_EQ(link_unpack(p, &m), 0);
	CHECK_INT_EQ(m.kind, LINK_MESSAGE);
	CHECK_INT_EQ(m.generation, 7);
	CHECK_INT_EQ(m.person, 123456);
	CHECK_INT_EQ(m.epoch, 3);
	CHECK_INT_EQ(m.expires, 1700000000);
	CHECK_INT_EQ(m.message, 4242);
	/* Out of range: refused rather than cut. */
	l.person = LINK_MAX_PERSON + 1;
	CHECK_INT_EQ(link_pack(&l, p), -1);
	l.person = 1;
	l.message = 0;		/* a message link names its message */
	CHECK_INT_EQ(link_pack(&l, p), -1);
	l.kind = LINK_PAGE;
	l.message = 9;		/* and only it does */
	CHECK_INT_EQ(link_pack(&l, p), -1);
	l.message = 0;
	l.generation = 0;
	CHECK_INT_EQ(link_pack(&l, p), -1);
	l.generation = 1;
	CHECK_INT_EQ(link_pack(&l, p), 0);
	p[0] = 0x21;		/* another version */
	CHECK_INT_EQ(link_unpack(p, &m), -1);
	p[0] = 0x17;		/* an unknown kind */
	CHECK_INT_EQ(link_unpack(p, &m), -1);
}

static void
test_text(void)
{
	unsigned char p[LINK_PAYLOAD_LEN], t[LINK_TAG_LEN];
	unsigned char p2[LINK_PAYLOAD_LEN], t2[LINK_TAG_LEN];
	char tok[LINK_TOKEN_LEN + 1], bad[LINK_TOKEN_LEN + 2];
	size_t i;

	for (i = 0; i < sizeof(p); i++)
		p[i] = (unsigned char)(i * 37 + 1);
	for (i = 0; i < sizeof(t); i++)
		t[i] = (unsigned char)(255 - i * 11);
	link_format(p, t, tok);
	CHECK_INT_EQ(strlen(tok), LINK_TOKEN_LEN);
	CHECK_INT_EQ(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
	    "tuvwxyz0123456789-_"), LINK_TOKEN_LEN);
	CHECK_INT_EQ(link_parse(tok, strlen(tok), p2, t2), 0);
	CHECK(memcmp(p, p2, sizeof(p)) == 0 && memcmp(t, t2, sizeof(t)) == 0);
	/* Too short, too long, a character outside base64url. */
	CHECK_INT_EQ(link_parse(tok, LINK_TOKEN_LEN - 1, p2, t2), -1);
	snprintf(bad, sizeof(bad), "%sA", tok);
	CHECK_INT_EQ(link_parse(bad, strlen(bad), p2, t2), -1);
	memcpy(bad, tok, sizeof(tok));
	bad[5] = '+';
	CHECK_INT_EQ(link_parse(bad, LINK_TOKEN_LEN, p2, t2), -1);
	bad[5] = '=';
	CHECK_INT_EQ(link_parse(bad, LINK_TOKEN_LEN, p2, t2), -1);
	/* The last character's unused bits must be zero: one text form. */
	memcpy(bad, tok, sizeof(tok));
	bad[LINK_TOKEN_LEN - 1] = tok[LINK_TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
	if (link_parse(bad, LINK_TOKEN_LEN, p2, t2) == 0)
		CHECK(memcmp(t, t2, sizeof(t)) != 0);
}

static void
test_sign_and_tamper(void)
{
	struct link_signer sg;
	struct linkkey *k;
	struct link l = { LINK_PAGE, 0, 42, 0, 2000000000, 0 };
	unsigned char p[LINK_PAYLOAD_LEN], t[LINK_TAG_LEN];
	char tok[LINK_TOKEN_LEN + 1], err[256], *path = key_path("web.key");
	size_t i;
	int bad = 0;

	k = linkkey_open(path, err, sizeof(err));
	CHECK(k != NULL);
	if (k == NULL) {
		fprintf(stderr, "%s\n", err);
		free(path);
		return;
	}
	linkkey_signer(k, &sg);
	CHECK_INT_EQ(sg.generation, 1);
	CHECK_INT_EQ(link_sign(&sg, &l, tok), 0);
	CHECK_INT_EQ(l.generation, 1);
	CHECK_INT_EQ(link_parse(tok, strlen(tok), p, t), 0);
	CHECK(sg.verify(sg.arg, LINK_DOMAIN_LINK, p, t));
	/* A link's tag is no form's token, and the other way round. */
	CHECK(!sg.verify(sg.arg, LINK_DOMAIN_FORM, p, t));
	/* Every single character changed makes it not ours. */
	for (i = 0; i < LINK_TOKEN_LEN; i++) {
		char copy[LINK_TOKEN_LEN + 1];

		memcpy(copy, tok, sizeof(copy));
		copy[i] = copy[i] == 'x' ? 'y' : 'x';
		if (link_parse(copy, LINK_TOKEN_LEN, p, t) == 0 &&
		    sg.verify(sg.arg, LINK_DOMAIN_LINK, p, t))
			bad++;
	}
	CHECK_INT_EQ(bad, 0);
	linkkey_close(k);
	free(path);
}

static void
test_form_token(void)
{
	struct link_signer sg;
	struct linkkey *k;
	struct link l = { LINK_MESSAGE, 0, 5, 0, 2000000000, 17 };
	unsigned char p[LINK_PAYLOAD_LEN], other[LINK_PAYLOAD_LEN];
	char form[LINK_FORM_LEN + 1], err[256], *path = key_path("form.key");

	if ((k = linkkey_open(path, err, sizeof(err))) == NULL) {
		TEST_FAIL("%s", err);
		free(path);
		return;
	}
	linkkey_signer(k, &sg);
	l.generation = sg.generation;
	CHECK_INT_EQ(link_pack(&l, p), 0);
	link_form_token(&sg, p, form);
	CHECK_INT_EQ(strlen(form), LINK_FORM_LEN);
	CHECK(link_form_check(&sg, p, form, strlen(form)));
	/* Bound to its link: another link's form token does not fit. */
	l.message = 18;
	CHECK_INT_EQ(link_pack(&l, other), 0);
	CHECK(!link_form_check(&sg, other, form, strlen(form)));
	CHECK(!link_form_check(&sg, p, form, strlen(form) - 1));
	CHECK(!link_form_check(&sg, p, "", 0));
	linkkey_close(k);
	free(path);
}

static void
test_check(void)
{
	struct link l = { LINK_PAGE, 1, 9, 4, 1000, 0 };

	CHECK_INT_EQ(link_check(&l, 999, 4), LINK_VALID);
	/* The expiry is an instant: at it, the link has expired. */
	CHECK_INT_EQ(link_check(&l, 1000, 4), LINK_EXPIRED);
	/* A revocation wins over an expiry. */
	CHECK_INT_EQ(link_check(&l, 2000, 5), LINK_REVOKED);
	CHECK_INT_EQ(link_check(&l, 999, 5), LINK_REVOKED);
	/* Epochs are compared in the 16 bits the link carries. */
	CHECK_INT_EQ(link_check(&l, 999, 4 + 65536), LINK_VALID);
	CHECK_STR_EQ(link_state_name(LINK_EXPIRED), "expired");
}

static void
test_key_file(void)
{
	struct link_signer sg;
	struct linkkey *k, *k2;
	struct link l = { LINK_FEED, 0, 3, 0, 2000000000, 0 };
	unsigned char p[LINK_PAYLOAD_LEN], t[LINK_TAG_LEN];
	char tok[LINK_TOKEN_LEN + 1], err[512], *path = key_path("rot.key");
	struct stat st;
	mode_t old = umask(0);
	int fd;

	/* Made 0600 whatever the umask. */
	k = linkkey_open(path, err, sizeof(err));
	umask(old);
	CHECK(k != NULL);
	if (k == NULL) {
		free(path);
		return;
	}
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	linkkey_signer(k, &sg);
	CHECK_INT_EQ(link_sign(&sg, &l, tok), 0);
	/* Read again, the same key: its links stay good across restarts. */
	k2 = linkkey_open(path, err, sizeof(err));
	CHECK(k2 != NULL);
	if (k2 != NULL) {
		linkkey_signer(k2, &sg);
		CHECK_INT_EQ(link_parse(tok, strlen(tok), p, t), 0);
		CHECK(sg.verify(sg.arg, LINK_DOMAIN_LINK, p, t));
		linkkey_close(k2);
	}
	/* Rotated: the next generation, and the old tags fail. */
	CHECK_INT_EQ(linkkey_rotate(k, err, sizeof(err)), 0);
	CHECK_INT_EQ(linkkey_generation(k), 2);
	linkkey_signer(k, &sg);
	CHECK_INT_EQ(sg.generation, 2);
	CHECK(!sg.verify(sg.arg, LINK_DOMAIN_LINK, p, t));
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	k2 = linkkey_open(path, err, sizeof(err));
	CHECK(k2 != NULL && linkkey_generation(k2) == 2);
	linkkey_close(k2);
	linkkey_close(k);
	/* Readable by others: refused, with what to do. */
	CHECK(chmod(path, 0640) == 0);
	CHECK(linkkey_open(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "chmod 0600") != NULL);
	/* Not a key file. */
	CHECK(chmod(path, 0600) == 0);
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd != -1 && write(fd, "generation 1\nkey 12\n", 20) == 20);
	if (fd != -1)
		close(fd);
	CHECK(linkkey_open(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "not a link key file") != NULL);
	free(path);
}

static void
cleanup(void)
{
	static const char *const names[] = {
		"web.key", "form.key", "rot.key"
	};
	size_t i;
	char *p;

	for (i = 0; i < nitems(names); i++) {
		p = key_path(names[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	TEST_RUN(test_pack);
	TEST_RUN(test_text);
	TEST_RUN(test_sign_and_tamper);
	TEST_RUN(test_form_token);
	TEST_RUN(test_check);
	TEST_RUN(test_key_file);
	cleanup();
	return TEST_END("link");
}
