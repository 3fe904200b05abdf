/*
 * driver: replays saved fuzz inputs without libFuzzer, so that the corpus
 * is a regression test on any compiler.  Each argument is a file or a
 * directory of files; each input runs in a child process so that a failed
 * assertion counts as one failure instead of ending the run.  Prints
 * `<name>: N passed, N failed` and exits non-zero on any failure.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	npassed, nfailed;

static void
run_file(const char *path)
{
	FILE		*fp;
	uint8_t		*data;
	long		 size;
	pid_t		 pid;
	int		 status;

	if ((fp = fopen(path, "rb")) == NULL || fseek(fp, 0, SEEK_END) != 0 ||
	    (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		perror(path);
		nfailed++;
		if (fp != NULL)
			fclose(fp);
		return;
	}
	/* Exactly sized, so a sanitizer sees any read past the end. */
	data = malloc(size > 0 ? (size_t)size : 1);
	if (data == NULL || fread(data, 1, (size_t)size, fp) != (size_t)size) {
		fprintf(stderr, "%s: cannot read\n", path);
		nfailed++;
		free(data);
		fclose(fp);
		return;
	}
	fclose(fp);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		/* exit(), not _exit(): LeakSanitizer runs at exit. */
		LLVMFuzzerTestOneInput(data, (size_t)size);
		free(data);
		exit(0);
	}
	free(data);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		npassed++;
	else {
		fprintf(stderr, "FAIL %s\n", path);
		nfailed++;
	}
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void
run_path(const char *path)
{
	struct dirent	**ents;
	struct stat	  st;
	char		 *sub;
	int		  i, n;

	if (stat(path, &st) == -1) {
		perror(path);
		nfailed++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	if ((n = scandir(path, &ents, NULL, by_name)) == -1) {
		perror(path);
		nfailed++;
		return;
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			size_t len = strlen(path) + strlen(ents[i]->d_name) + 2;

			if ((sub = malloc(len)) == NULL)
				exit(2);
			snprintf(sub, len, "%s/%s", path, ents[i]->d_name);
			run_path(sub);
			free(sub);
		}
		free(ents[i]);
	}
	free(ents);
}

int
main(int argc, char *argv[])
{
	const char	*name = "fuzz-corpus";
	int		 i = 1;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		name = argv[2];
		i = 3;
	}
	for (; i < argc; i++)
		run_path(argv[i]);
	printf("%s: %d passed, %d failed\n", name, npassed, nfailed);
	return nfailed ? 1 : 0;
}
