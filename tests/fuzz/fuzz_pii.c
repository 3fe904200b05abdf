/*
 * fuzz_pii: pii_scan() on arbitrary bytes.  Beyond "no crash, no read past
 * the end", it checks the contract: a hit has a real kind and a non-empty
 * span inside the input, a miss says PII_NONE, and the answer does not
 * depend on a NUL terminator or on what lies after `len`.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pii.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	free(copy);
	return 0;
}
