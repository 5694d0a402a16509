// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The streaming JSON writer (src/output/jw.c) against json-c 0.16, whose
 * text pcilu's documents had before the writer: random documents (nesting,
 * empty containers, every byte value in strings and keys, 64-bit integers)
 * are written by both, in the pretty and the one-line layout, and must give
 * the same bytes once json-c's text has had its invalid UTF-8 replaced (what
 * pcilu did after json-c). Then a few documents checked by hand, so the test
 * does not only hold two programs to each other.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/output/output_int.h"

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

/* A string of up to 12 bytes, every value possible, some runs of valid UTF-8. */
static void rand_str(struct rng *r, char *buf)
{
	static const char *const pieces[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3", "\xed\xa0\x80",
					      "/", "\"", "\\", "\x7f", "a b" };
	size_t n = next(r) % 8, k = 0;

	for (size_t i = 0; i < n; i++) {
		if (next(r) % 3 == 0) {
			const char *p = pieces[next(r) % 10];

			memcpy(buf + k, p, strlen(p));
			k += strlen(p);
		} else {
			char c = (char)(1 + next(r) % 255);	/* no NUL: C strings */

			buf[k++] = c;
		}
	}
	buf[k] = 0;
}

/* One value, written to the stream and built for json-c. */
static struct json_object *rand_value(struct rng *r, struct pcilu_jw *w, int depth)
{
	char s[64];
	unsigned kind = (unsigned)(next(r) % (depth > 5 ? 5 : 7));
	struct json_object *o;

	switch (kind) {
	case 0:
		pcilu_jw_null(w);
		return NULL;
	case 1:
		pcilu_jw_bool(w, next(r) & 1);
		return json_object_new_boolean(w->buf[w->len - 1] == 'e' && w->buf[w->len - 2] == 'u');
	case 2: {
		int64_t v = (int64_t)next(r);

		if (next(r) & 1)
			v %= 1000;
		if (next(r) % 16 == 0)
			v = INT64_MIN;
		pcilu_jw_int(w, v);
		return json_object_new_int64(v);
	}
	case 3:
	case 4:
		rand_str(r, s);
		pcilu_jw_str(w, s);
		return json_object_new_string(s);
	case 5: {
		size_t n = next(r) % 5;

		o = json_object_new_array();
		pcilu_jw_arr(w);
		for (size_t i = 0; i < n; i++)
			json_object_array_add(o, rand_value(r, w, depth + 1));
		pcilu_jw_end_arr(w);
		return o;
	}
	default: {
		size_t n = next(r) % 5;

		o = json_object_new_object();
		pcilu_jw_obj(w);
		for (size_t i = 0; i < n; i++) {
			/* Keys unique within the object: json-c would replace a repeated one. */
			rand_str(r, s);
			snprintf(s + strlen(s), 8, "#%zu", i);
			pcilu_jw_key(w, s);
			json_object_object_add(o, s, rand_value(r, w, depth + 1));
		}
		pcilu_jw_end_obj(w);
		return o;
	}
	}
}

/* json-c's text with each byte of an invalid UTF-8 sequence made U+FFFD, and a newline. */
static char *fixed_utf8(const char *s)
{
	size_t n = strlen(s), k = 0;
	char *out = malloc(3 * n + 2);

	assert_non_null(out);
	for (size_t i = 0; i < n;) {
		size_t l = pcilu_utf8_len((const unsigned char *)s + i, n - i);

		if (l) {
			memcpy(out + k, s + i, l);
			k += l;
			i += l;
		} else {
			memcpy(out + k, "\xef\xbf\xbd", 3);
			k += 3;
			i++;
		}
	}
	out[k++] = '\n';
	out[k] = 0;
	return out;
}

static void one_doc(uint64_t seed, bool pretty)
{
	struct rng r = { seed * 0x9e3779b97f4a7c15ull + 1 };
	struct pcilu_jw *w = malloc(sizeof(*w));
	char *text = NULL, *want;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json_object *o;

	assert_non_null(w);
	assert_non_null(f);
	pcilu_jw_start(w, f, pretty);
	o = rand_value(&r, w, next(&r) % 2 ? 0 : 5);
	assert_int_equal(pcilu_jw_end(w), 0);
	fclose(f);
	want = fixed_utf8(o ? json_object_to_json_string_ext(o, (pretty ? JSON_C_TO_STRING_PRETTY :
								       JSON_C_TO_STRING_PLAIN) |
								  JSON_C_TO_STRING_NOSLASHESCAPE) : "null");
	if (strcmp(text, want))
		fail_msg("seed %llu pretty %d:\nwant %s\ngot  %s", (unsigned long long)seed, pretty, want, text);
	json_object_put(o);
	free(want);
	free(text);
	free(w);
}

static void test_random_documents(void **state)
{
	(void)state;
	for (uint64_t seed = 0; seed < 20000; seed++)
		one_doc(seed, seed & 1);
}

static char *write_doc(bool pretty, void (*fn)(struct pcilu_jw *))
{
	static struct pcilu_jw w;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	pcilu_jw_start(&w, f, pretty);
	fn(&w);
	assert_int_equal(pcilu_jw_end(&w), 0);
	fclose(f);
	return text;
}

static void doc_a(struct pcilu_jw *w)
{
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "schema", "x/1");
	pcilu_jw_kobj(w, "empty");
	pcilu_jw_end_obj(w);
	pcilu_jw_karr(w, "list");
	pcilu_jw_int(w, -12);
	pcilu_jw_arr(w);
	pcilu_jw_end_arr(w);
	pcilu_jw_end_arr(w);
	pcilu_jw_khex(w, "class", 0x10802, 6);
	pcilu_jw_kstr(w, "s", "a/\"\\\n\x01\x7f\xff\xc3\xa9");
	pcilu_jw_knull(w, "n");
	pcilu_jw_kbool(w, "b", false);
	pcilu_jw_end_obj(w);
}

static void test_by_hand(void **state)
{
	char *s;

	(void)state;
	s = write_doc(true, doc_a);
	assert_string_equal(s, "{\n"
			       "  \"schema\":\"x/1\",\n"
			       "  \"empty\":{\n"
			       "  },\n"
			       "  \"list\":[\n"
			       "    -12,\n"
			       "    [\n"
			       "    ]\n"
			       "  ],\n"
			       "  \"class\":\"010802\",\n"
			       "  \"s\":\"a/\\\"\\\\\\n\\u0001\x7f\xef\xbf\xbd\xc3\xa9\",\n"
			       "  \"n\":null,\n"
			       "  \"b\":false\n"
			       "}\n");
	free(s);
	s = write_doc(false, doc_a);
	assert_string_equal(s, "{\"schema\":\"x/1\",\"empty\":{},\"list\":[-12,[]],\"class\":\"010802\","
			       "\"s\":\"a/\\\"\\\\\\n\\u0001\x7f\xef\xbf\xbd\xc3\xa9\",\"n\":null,\"b\":false}\n");
	free(s);
}

/* Nesting past the 64 levels one word of member bits and one indent string hold. */
static void test_deep(void **state)
{
	static struct pcilu_jw w;
	struct json_object *root = json_object_new_array(), *cur = root;
	char *text = NULL, *want;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	pcilu_jw_start(&w, f, true);
	pcilu_jw_arr(&w);
	for (int i = 1; i < 700; i++) {
		struct json_object *a = json_object_new_array();

		pcilu_jw_int(&w, i);
		pcilu_jw_arr(&w);
		json_object_array_add(cur, json_object_new_int(i));
		json_object_array_add(cur, a);
		cur = a;
	}
	for (int i = 0; i < 700; i++)
		pcilu_jw_end_arr(&w);
	assert_int_equal(pcilu_jw_end(&w), 0);
	fclose(f);
	want = fixed_utf8(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
	assert_string_equal(text, want);
	json_object_put(root);
	free(want);
	free(text);
}

/* A failed write is kept with its errno, not lost at the next flush. */
static void test_write_error(void **state)
{
	static struct pcilu_jw w;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f)
		skip();
	pcilu_jw_start(&w, f, true);
	pcilu_jw_arr(&w);
	for (int i = 0; i < 100000; i++)
		pcilu_jw_str(&w, "a string long enough to fill the buffer a few times over");
	pcilu_jw_end_arr(&w);
	assert_int_equal(pcilu_jw_end(&w), -ENOSPC);
	assert_true(w.dead);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_hand),
		cmocka_unit_test(test_random_documents),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
