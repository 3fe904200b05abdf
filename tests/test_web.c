/*
 * test_web: the pure parts of the pages -- the router, form bodies, the
 * client's address behind a proxy, the rate limit (daemon/core/web.c) -- and
 * the page templates (daemon/core/page.c, the HTML flavour of template.c):
 * values escaped by default, raw HTML only where the layout may, every
 * shipped page loads and renders in both languages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "link.h"
#include "page.h"
#include "template.h"
#include "util.h"
#include "web.h"
#include "test.h"

#define TOKEN	"EQABAAAHAABekZuAAAAAKdMLNSW30E6kNIVBvqQj4cU"

static void
route(const char *method, const char *path, struct web_match *m)
{
	web_route(method, path, strlen(path), m);
}

static void
test_router(void)
{
	struct web_match m;

	route("GET", "/", &m);
	CHECK_INT_EQ(m.route, WEB_ROUTE_HOME);
	CHECK_INT_EQ(m.status, 200);
	route("HEAD", "/planwatch.css", &m);
	CHECK_INT_EQ(m.route, WEB_ROUTE_STYLE);
	CHECK(m.head);
	route("GET", "/l/" TOKEN, &m);
	CHECK_INT_EQ(m.route, WEB_ROUTE_LINK);
	CHECK_INT_EQ(m.token_len, LINK_TOKEN_LEN);
	CHECK(m.token != NULL && strncmp(m.token, TOKEN, LINK_TOKEN_LEN) == 0);
	route("POST", "/l/" TOKEN, &m);
	CHECK_INT_EQ(m.status, 200);
	CHECK(m.post);
	route("POST", "/l/" TOKEN "/ny", &m);
	CHECK_INT_EQ(m.route, WEB_ROUTE_LINK_RENEW);
	/* A GET changes nothing, so asking for a link by GET is refused. */
	route("GET", "/l/" TOKEN "/ny", &m);
	CHECK_INT_EQ(m.status, 405);
	CHECK_STR_EQ(m.allow, "POST");
	route("GET", "/k/" TOKEN ".ics", &m);
	CHECK_INT_EQ(m.route, WEB_ROUTE_FEED);
	route("POST", "/k/" TOKEN ".ics", &m);
	CHECK_INT_EQ(m.status, 405);
	CHECK_STR_EQ(m.allow, "GET, HEAD");
	route("POST", "/ny-lank", &m);
	CHECK_INT_EQ(m.route, WEB_ROUTE_RENEW);
	route("DELETE", "/ny-lank", &m);
	CHECK_INT_EQ(m.status, 405);
	CHECK_STR_EQ(m.allow, "GET, HEAD, POST");
	/* Near misses are not found, and name no token. */
	route("GET", "/l/" TOKEN "/", &m);
	CHECK_INT_EQ(m.status, 404);
	CHECK(m.token == NULL);
	route("GET", "/l/" TOKEN "x", &m);
	CHECK_INT_EQ(m.status, 404);
	route("GET", "/l/EQABAAAHAABekZuAAAAAKdMLNSW30E6kNIVBvqQj4c%3D", &m);
	CHECK_INT_EQ(m.status, 404);
	route("GET", "/k/" TOKEN, &m);
	CHECK_INT_EQ(m.status, 404);
	route("GET", "//", &m);
	CHECK_INT_EQ(m.status, 404);
	route("GET", "", &m);
	CHECK_INT_EQ(m.status, 404);
	/* The length given is the path: what follows is not read. */
	web_route("GET", "/planwatch.cssXYZ", 14, &m);
	CHECK_INT_EQ(m.route, WEB_ROUTE_STYLE);
}

static void
check_form(const char *body, const char *name, const char *want)
{
	char *v = web_form_get(body, strlen(body), name);

	if (want == NULL && v != NULL)
		TEST_FAIL("%s in \"%s\": \"%s\", want none", name, body, v);
	else if (want != NULL)
		CHECK_STR_EQ(v, want);
	free(v);
}

static void
test_forms(void)
{
	CHECK(web_is_form("application/x-www-form-urlencoded"));
	CHECK(web_is_form(" Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
	CHECK(!web_is_form("multipart/form-data; boundary=x"));
	CHECK(!web_is_form("application/x-www-form-urlencodedx"));
	CHECK(!web_is_form(NULL));
	check_form("a=1&status=on-track&c=x", "status", "on-track");
	check_form("comment=Det+g%C3%A5r+bra%0D%0Arad+2", "comment",
	    "Det g\xc3\xa5r bra\nrad 2");
	/* The first of two, and a field named only by its prefix is not it. */
	check_form("s=1&s=2", "s", "1");
	check_form("status2=x", "status", NULL);
	check_form("status", "status", "");
	check_form("status=", "status", "");
	check_form("", "status", NULL);
	/* Bad escapes, invalid UTF-8, NUL and control characters. */
	check_form("c=%4", "c", NULL);
	check_form("c=%zz", "c", NULL);
	check_form("c=%C3", "c", NULL);
	check_form("c=%C0%AF", "c", NULL);
	check_form("c=a%00b", "c", NULL);
	check_form("c=a%1Bb", "c", NULL);
	check_form("c=a%09b", "c", "a\tb");
	/* HTML in a field is only text: escaping is the page's job. */
	check_form("c=%3Cscript%3E", "c", "<script>");
}

static void
test_client(void)
{
	struct web_config c;
	struct diag d = { 0 };
	unsigned char peer[16] = { 0 }, out[16], want[16] = { 0 };
	char text[64];

	web_config_load(NULL, "x.conf", "/var", "/rules", &c, &d);
	peer[10] = peer[11] = 0xff;
	peer[12] = 127;
	peer[15] = 1;
	/* No trusted proxy: the header is not believed. */
	web_client(&c, peer, "192.0.2.7", out);
	CHECK(memcmp(out, peer, 16) == 0);
	c.proxies = xcalloc(1, sizeof(*c.proxies));
	memcpy(c.proxies[0], peer, 16);
	c.nproxies = 1;
	want[10] = want[11] = 0xff;
	want[12] = 192;
	want[14] = 2;
	want[15] = 7;
	/* The proxy appended the client last; what came before is the
	 * client's own claim. */
	web_client(&c, peer, "203.0.113.9, 192.0.2.7", out);
	CHECK(memcmp(out, want, 16) == 0);
	web_addr_format(out, text, sizeof(text));
	CHECK_STR_EQ(text, "192.0.2.7");
	web_client(&c, peer, "not an address", out);
	CHECK(memcmp(out, peer, 16) == 0);
	web_client(&c, peer, "2001:db8::1", out);
	web_addr_format(out, text, sizeof(text));
	CHECK_STR_EQ(text, "2001:db8::1");
	web_config_free(&c);
	diag_free(&d);
}

static void
test_rate(void)
{
	struct web_rate *r = web_rate_new(16, 60000);
	unsigned char a[16] = { 1 }, b[16] = { 2 };
	unsigned i, wait;
	int ok = 0;

	for (i = 0; i < 3; i++)
		ok += web_rate_take(r, a, 3, 1000 + i) == 0;
	CHECK_INT_EQ(ok, 3);
	wait = web_rate_take(r, a, 3, 2000);
	CHECK_INT_EQ(wait, 59);
	/* Another address has a budget of its own. */
	CHECK_INT_EQ(web_rate_take(r, b, 3, 2000), 0);
	/* The next window. */
	CHECK_INT_EQ(web_rate_take(r, a, 3, 61000), 0);
	/* Many addresses in a small table: memory stays fixed, and an
	 * address forgotten is no worse off than a new one. */
	for (i = 0; i < 1000; i++) {
		unsigned char x[16] = { 0 };

		memcpy(x, &i, sizeof(i));
		x[15] = 9;
		CHECK_INT_EQ(web_rate_take(r, x, 1, 70000), 0);
	}
	web_rate_free(r);
}

/* A page template from text, for the tests of the HTML flavour. */
static struct template *
html(const char *text, struct diag *d)
{
	static const char *const vars[] = {
		"title", "content", "item.x", NULL
	};
	static const char *const raw[] = { "content", NULL };
	static const char *const lists[] = { "items", NULL };

	return template_parse_html("t.html", text, vars, raw, lists, d);
}

static void
test_escaping(void)
{
	struct diag d = { 0 };
	struct template *t;
	struct template_ctx *c = template_ctx_new(), *it;
	char *out, *title = NULL;
	struct buf b = { 0 };

	t = html("Title: {{title}}\n\n<h1 title=\"{{title}}\">{{title}}</h1>"
	    "{{#items}}<p>{{item.x}}</p>{{/items}}{{{content}}}\n", &d);
	CHECK(t != NULL);
	template_ctx_set(c, "title", "<script>alert(\"x\")</script> & 'y'");
	it = template_ctx_list_add(c, "items");
	template_ctx_set(it, "x", "a<b");
	template_ctx_set(c, "content", "<em>ours</em>");
	out = template_render(t, c, &title);
	CHECK_STR_EQ(out, "<h1 title=\"&lt;script&gt;alert(&quot;x&quot;)"
	    "&lt;/script&gt; &amp; &#39;y&#39;\">&lt;script&gt;alert(&quot;"
	    "x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</h1><p>a&lt;b</p>"
	    "<em>ours</em>\n");
	CHECK_STR_EQ(title, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
	    " &amp; &#39;y&#39;");
	free(out);
	free(title);
	template_free(t);
	/* Raw output only for the names the kind allows, and only in pages. */
	CHECK(html("Title: x\n\n{{{title}}}\n", &d) == NULL);
	CHECK(d.n == 1 && strstr(d.v[0].msg, "unescaped") != NULL);
	CHECK(d.n == 1 && d.v[0].line == 3);
	CHECK(html("Title: x\n\n{{{content}\n", &d) == NULL);
	CHECK(template_parse("m.txt", "Subject: x\n\n{{{content}}}\n",
	    (const char *const[]){ "content", NULL }, NULL, &d) == NULL);
	/* A page has a Title, not a Subject. */
	CHECK(html("Subject: x\n\nbody\n", &d) == NULL);
	diag_format(&d, &b);
	CHECK(b.s != NULL && strstr(b.s, "t.html:1: expected \"Title: ...\"") !=
	    NULL);
	buf_free(&b);
	diag_free(&d);
	template_ctx_free(c);
}

/* Every page of the shipped templates, rendered from samples. */
static void
test_shipped_pages(void)
{
	struct pages p;
	struct diag d = { 0 };
	struct template_ctx *c;
	char *doc;
	int k, en;

	CHECK_INT_EQ(pages_load(&p, host_source(), "rules/pages", &d), 0);
	diag_print(&d, stderr);
	diag_free(&d);
	if (p.css == NULL)
		return;
	CHECK(p.css_len > 100 && strstr(p.css, "@media print") != NULL);
	CHECK(strlen(p.css_etag) == 18);
	for (en = 0; en < 2; en++)
		for (k = PAGE_ITEMS; k < PAGE_NKINDS; k++) {
			c = page_sample_ctx((enum page_kind)k, en);
			doc = page_render(&p, (enum page_kind)k, en, c);
			CHECK(strncmp(doc, "<!DOCTYPE html>\n<html lang=\"",
			    28) == 0);
			CHECK(strstr(doc, en ? "lang=\"en\"" : "lang=\"sv\"") !=
			    NULL);
			CHECK(strstr(doc, "<title>") != NULL &&
			    strstr(doc, "<title> –") == NULL);
			/* No script of any kind, nothing from elsewhere. */
			CHECK(strstr(doc, "<script") == NULL);
			CHECK(strstr(doc, "src=") == NULL);
			CHECK(strstr(doc, "{{") == NULL);
			if (k == PAGE_ITEMS) {
				/* The sample's title holds "<förebyggande>". */
				CHECK(strstr(doc, "&lt;f\xc3\xb6rebyggande"
				    "&gt;") != NULL);
				CHECK(strstr(doc, "name=\"t\" value=\""
				    "q0b3vYIB1tt4W-5E2mZ0Qw\"") != NULL);
				CHECK(strstr(doc, "<legend>") != NULL);
				CHECK(strstr(doc, "checked><label "
				    "for=\"s2-on-track\"") != NULL);
			}
			if (k == PAGE_PERSON)
				CHECK(strstr(doc, ".ics") != NULL &&
				    strstr(doc, "<caption>") != NULL);
			free(doc);
			template_ctx_free(c);
		}
	pages_free(&p);
	pages_free(NULL);
}

static void
test_page_errors(void)
{
	struct pages p;
	struct diag d = { 0 };
	struct buf b = { 0 };

	CHECK_INT_EQ(pages_load(&p, host_source(), "tests/data/pages", &d), -1);
	diag_format(&d, &b);
	/* Each broken template names its file and line. */
	CHECK(b.s != NULL && strstr(b.s, "tests/data/pages/sv/items.html:6: "
	    "unknown placeholder \"{{item.titel}}\"") != NULL);
	CHECK(b.s != NULL && strstr(b.s, "tests/data/pages/sv/home.html:4: "
	    "\"{{{renew.link}}}\" inserts text unescaped") != NULL);
	CHECK(b.s != NULL && strstr(b.s, "tests/data/pages/en/layout.html: "
	    "cannot read") != NULL);
	buf_free(&b);
	diag_free(&d);
}

int
main(void)
{
	TEST_RUN(test_router);
	TEST_RUN(test_forms);
	TEST_RUN(test_client);
	TEST_RUN(test_rate);
	TEST_RUN(test_escaping);
	TEST_RUN(test_shipped_pages);
	TEST_RUN(test_page_errors);
	return TEST_END("web");
}
