/*
 * fuzz_pii: pii_scan() on arbitrary bytes, through the whole folding path
 * (fold.c: NFKC, case folding, marks, dashes and spaces, look-alikes)
 * that every scan starts with.  Beyond "no crash, no read past the end",
 * it checks the contract: a hit has a real kind and a non-empty span
 * inside the input, a miss says PII_NONE, and the answer does not depend
 * on a NUL terminator or on what lies after `len`.  It checks the fold
 * too: folding twice gives what folding once did, a short buffer gets a
 * NUL-terminated prefix of the whole, and the length it returns is the
 * length it writes.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "pii.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_fold(const char *s, size_t size)
{
	char	*once, *twice, *cut;
	size_t	 n, n2, k;

	n = fold_text(s, size, NULL, 0);
	once = malloc(n + 1);
	assert(once != NULL);
	assert(fold_text(s, size, once, n + 1) == n);
	assert(strlen(once) <= n);
	n2 = fold_text(once, n, NULL, 0);
	twice = malloc(n2 + 1);
	assert(twice != NULL);
	fold_text(once, n, twice, n2 + 1);
	assert(n2 == n && memcmp(once, twice, n) == 0);
	/* A buffer too small: a prefix, cut between characters. */
	k = n / 2 + 1;
	cut = malloc(k);
	assert(cut != NULL);
	assert(fold_text(s, size, cut, k) == n);
	assert(strlen(cut) < k && memcmp(cut, once, strlen(cut)) == 0);
	assert(strlen(cut) == n || (once[strlen(cut)] & 0xc0) != 0x80);
	assert(fold_equal(once, once));
	free(cut);
	free(twice);
	free(once);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pii_hit	 hit, again;
	char		*copy;
	int		 r;

	r = pii_scan((const char *)data, size, &hit);
	if (r) {
		assert(hit.kind > PII_NONE && hit.kind < PII_NKINDS);
		assert(hit.len > 0 && hit.offset < size);
		assert(hit.len <= size - hit.offset);
	} else
		assert(hit.kind == PII_NONE);
	assert(pii_kind_name(hit.kind) != NULL);

	/* The same bytes followed by a digit: only `len` counts. */
	copy = malloc(size + 1);
	assert(copy != NULL);
	memcpy(copy, data, size);
	copy[size] = '7';
	assert(pii_scan(copy, size, &again) == r);
	assert(again.kind == hit.kind && again.offset == hit.offset);
	check_fold(copy, size);
	free(copy);
	return 0;
}
