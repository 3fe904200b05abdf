/*
 * fuzz_import: import_plan_bytes() on arbitrary bytes -- text, CSV, and
 * Word and OpenDocument containers, whose ZIP and XML layers come from
 * the input too.  Whatever it makes of them, an import must return, say
 * why when it fails, produce a plan whose activities all have ids and
 * titles, write that plan and its JSON, and free cleanly.  With a
 * previous plan given, the revision's matches must name activities that
 * exist.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "plan.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o;
	struct import_revision rev;
	struct plan p, prev;
	struct diag d = { 0 };
	struct buf b = { 0 };
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	o.keep_going = 1;
	rc = import_plan_bytes("f.txt", data, size, &o, &p, &d);
	assert(rc == 0 ? d.nerrors == 0 : d.nerrors > 0);
	for (i = 0; i < p.nactivities; i++)
		assert(p.activities[i].id != NULL &&
		    p.activities[i].title != NULL);
	if (rc == 0) {
		plan_write(&p, &b);
		import_write_json(&p, &b);
		/* The same again as the revision of what was just read. */
		prev = p;
		memset(&rev, 0, sizeof(rev));
		o.previous = &prev;
		o.revision = &rev;
		o.id_prefix = "next";
		diag_free(&d);
		if (import_plan_bytes("g.txt", data, size, &o, &p, &d) == 0)
			for (i = 0; i < rev.n; i++)
				assert(rev.v[i].fate != IMPORT_CONTINUES ||
				    plan_find_activity(&prev, rev.v[i].id));
		import_revision_free(&rev);
		plan_free(&prev);
	}
	plan_free(&p);
	diag_free(&d);
	buf_free(&b);
	return 0;
}
