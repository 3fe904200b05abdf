/*
 * test_fold: the project's one text fold (daemon/core/fold.c) -- case,
 * diacritics in both their composed and decomposed forms, compatibility
 * forms, every dash and every space, digits of other scripts, invisible
 * characters, invalid UTF-8 -- and the snprintf-like contract of
 * fold_text().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "util.h"

#include "test.h"

#define FOLDS(in, want) do {						\
	char *f_ = xfold(in);						\
	CHECK_STR_EQ(f_, (want));					\
	free(f_);							\
} while (0)

static void
test_letters(void)
{
	FOLDS("Förhinderande ÅTGÄRDER é\xc2\xa0Ü", "forhinderande atgarder e u");
	/* Composed and decomposed letters are one: ä and a + U+0308. */
	FOLDS("Skarpn\xc3\xa4" "ck", "skarpnack");
	FOLDS("Skarpna\xcc\x88" "ck", "skarpnack");
	FOLDS("A\xcc\x8a" "ngermanland", "angermanland");
	/* Full-width and other compatibility forms. */
	FOLDS("\xef\xbc\xb3\xef\xbd\x94\xef\xbd\x8f\xef\xbd\x92\xef\xbd\x87"
	    "\xef\xbd\x81\xef\xbd\x94\xef\xbd\x81\xef\xbd\x8e", "storgatan");
	FOLDS("\xef\xac\x81nns", "finns");		/* ﬁ */
	FOLDS("Stra\xc3\x9f" "e", "strasse");		/* ß */
	FOLDS("\xe1\xba\x9e", "ss");			/* capital ẞ */
	FOLDS("\xc3\x98resund \xc5\x81\xc3\xb3" "d\xc5\xba", "oresund lodz");
	FOLDS("\xc4\xb0stanbul", "istanbul");		/* İ */
	FOLDS("\xe2\x84\xab", "a");			/* Ångström sign */
	/* Other scripts' letters pass, folded for case only. */
	FOLDS("\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90",
	    "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0");
}

static void
test_dashes_spaces(void)
{
	static const char *const dashes[] = {
		"\xe2\x80\x90", "\xe2\x80\x91", "\xe2\x80\x92", "\xe2\x80\x93",
		"\xe2\x80\x94", "\xe2\x80\x95", "\xe2\x88\x92", "\xef\xb9\xa3",
		"\xef\xbc\x8d", "\xef\xb9\x98", "\xe2\xb8\xba", "-"
	};
	static const char *const spaces[] = {
		" ", "\t", "\n", "\r\n", "\xc2\xa0", "\xe2\x80\x87",
		"\xe2\x80\x83", "\xe2\x80\x89", "\xe2\x80\xaf", "\xe3\x80\x80",
		"\xe2\x80\xa8", "\xc2\x85", " \t \n "
	};
	char	 in[64];
	size_t	 i;

	for (i = 0; i < nitems(dashes); i++) {
		snprintf(in, sizeof(in), "640823%s3234", dashes[i]);
		FOLDS(in, "640823-3234");
	}
	for (i = 0; i < nitems(spaces); i++) {
		snprintf(in, sizeof(in), "%sa%sb%s", spaces[i], spaces[i],
		    spaces[i]);
		FOLDS(in, "a b");
	}
	FOLDS("", "");
	FOLDS(" \t\n", "");
}

static void
test_digits_invisible(void)
{
	/* Arabic-Indic, Devanagari, full-width and mathematical digits. */
	FOLDS("\xd9\xa6\xd9\xa4\xd9\xa0\xd9\xa8", "6408");
	FOLDS("\xe0\xa5\xa8\xe0\xa5\xa6\xe0\xa5\xa7\xe0\xa5\xaf", "2019");
	FOLDS("\xef\xbc\x96\xef\xbc\x94", "64");
	FOLDS("\xf0\x9d\x9f\x94\xf0\x9d\x9f\x92", "64");
	FOLDS("\xe2\x91\xa0\xc2\xb2", "12");		/* ① ² */
	/* Soft hyphen, zero-width space and joiners, BOM, bidi marks. */
	FOLDS("6408\xc2\xad" "23\xe2\x80\x8b-\xe2\x80\x8d" "3234\xef\xbb\xbf"
	    "\xe2\x80\x8f", "640823-3234");
	/* Invalid UTF-8 reads as U+FFFD, one per bad byte. */
	FOLDS("a\xff" "b\xc3", "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	FOLDS("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

/* Like snprintf(): the whole length back, a NUL, never half a letter. */
static void
test_text_contract(void)
{
	const char	*s = "\xc3\x85" "ngest \xc3\x84LG";	/* "Ångest ÄLG" */
	char		 buf[16];

	CHECK_INT_EQ(fold_text(s, strlen(s), NULL, 0), 10);
	CHECK_INT_EQ(fold_text(s, strlen(s), buf, sizeof(buf)), 10);
	CHECK_STR_EQ(buf, "angest alg");
	CHECK_INT_EQ(fold_text(s, strlen(s), buf, 4), 10);
	CHECK_STR_EQ(buf, "ang");
	CHECK_INT_EQ(fold_text("\xc3\xa5\xc3\xa5", 4, buf, 1), 2);
	CHECK_STR_EQ(buf, "");
	/* A character that stays multi-byte is not cut in half. */
	CHECK_INT_EQ(fold_text("x\xd0\x96", 3, buf, 3), 3);
	CHECK_STR_EQ(buf, "x");
	/* `len` bounds the read: no NUL needed. */
	CHECK_INT_EQ(fold_text("ABCDEF", 3, buf, sizeof(buf)), 3);
	CHECK_STR_EQ(buf, "abc");
}

static void
test_equal(void)
{
	CHECK(fold_equal("Avdelningschef \xc3\x84ldreomsorg",
	    "  avdelningschef\xc2\xa0" "aldreomsorg "));
	CHECK(fold_equal("individ \xe2\x80\x93" "och", "INDIVID -OCH"));
	CHECK(fold_equal("", " \t"));
	CHECK(fold_equal("Skarpna\xcc\x88" "ck", "SKARPN\xc3\x84" "CK"));
	CHECK(!fold_equal("a", "b"));
	CHECK(!fold_equal("ab", "a b"));
	CHECK(!fold_equal("a", "ab"));
	CHECK(!fold_equal("ab", "a"));
}

static void
test_char_classes(void)
{
	uint32_t out[FOLD_CHAR_MAX];

	CHECK(fold_is_upper('A') && !fold_is_upper('a'));
	CHECK(fold_is_upper(0xc5) && !fold_is_upper(0xe5));
	CHECK(fold_is_letter(0xe4) && !fold_is_letter('4'));
	CHECK(fold_is_currency(0x20ac) && !fold_is_currency('k'));
	CHECK(fold_is_mark(0x308) && !fold_is_mark('a'));
	CHECK_INT_EQ(fold_char(0x200b, out), 0);
	CHECK_INT_EQ(fold_char(0xfb03, out), 3);	/* ﬃ */
	CHECK_INT_EQ(out[0], 'f');
	CHECK_INT_EQ(out[2], 'i');
	/* A ligature longer than FOLD_CHAR_MAX keeps its own letter. */
	CHECK_INT_EQ(fold_char(0xfdfa, out), 1);
	CHECK_INT_EQ(out[0], 0xfdfa);
}

int
main(void)
{
	TEST_RUN(test_letters);
	TEST_RUN(test_dashes_spaces);
	TEST_RUN(test_digits_invisible);
	TEST_RUN(test_text_contract);
	TEST_RUN(test_equal);
	TEST_RUN(test_char_classes);
	return TEST_END("fold");
}
