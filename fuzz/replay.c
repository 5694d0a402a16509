// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A main() for the fuzz targets without libFuzzer: runs the target once on
 * every file named (directories are read one level deep). The ordinary test
 * suite builds the targets with it, so every seed and every input that once
 * crashed is replayed with gcc, under ASan/UBSan and under Valgrind, on every
 * CI run, not only when someone fuzzes.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		perror(path);
		return 1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *n = realloc(buf, cap ? cap * 2 : 4096);

			if (!n) {
				free(buf);
				fclose(f);
				return 1;
			}
			buf = n;
			cap = cap ? cap * 2 : 4096;
		}
		size_t r = fread(buf + len, 1, cap - len, f);

		if (!r)
			break;
		len += r;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t count = 0, cap = 0;
	int ret = 0;

	if (!d) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (count == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 64) * sizeof(*nn));

			if (!nn)
				abort();
			names = nn;
			cap = cap ? cap * 2 : 64;
		}
		size_t l = strlen(dir) + strlen(e->d_name) + 2;

		names[count] = malloc(l);
		if (!names[count])
			abort();
		snprintf(names[count++], l, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof(*names), cmp_str);	/* same order every run */
	for (size_t i = 0; i < count; i++) {
		ret |= run_file(names[i]);
		free(names[i]);
	}
	free(names);
	*n += count;
	return ret;
}

int main(int argc, char **argv)
{
	size_t n = 0;
	int ret = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			ret |= run_dir(argv[i], &n);
		} else {
			ret |= run_file(argv[i]);
			n++;
		}
	}
	printf("replayed %zu inputs\n", n);
	return ret;
}
