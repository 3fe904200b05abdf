/*
 * cfg: libconfig helpers that every loader shares.  libconfig accepts
 * unknown keys and silently wraps large integers; these helpers check
 * names against an allow-list, check types and ranges, and report each
 * problem as `file:line: message` into a struct diag.  Core.
 *
 * Not to be confused with conf (conf.h): cfg is the libconfig toolkit
 * the loaders share (conf and its parts, rules, route, plan, web, http);
 * conf is the daemon's configuration snapshot that conf_load() builds
 * with it.
 */
#ifndef PLANWATCH_CFG_H
#define PLANWATCH_CFG_H

#include <stddef.h>

#include <libconfig.h>

#include "source.h"
#include "util.h"

/*
 * Parses the bytes `src` gives for `path` into an initialised config_t,
 * which keeps them, and a pointer to `src` (which must outlive it), until
 * config_destroy().  @include is resolved against the file's own
 * directory (libconfig 1.5 reads included files itself).  On a syntax or
 * I/O error adds one diagnostic and returns -1.
 */
int	cfg_read(config_t *, const struct source *src, const char *path,
	    struct diag *);
/* The SHA-256, in hex, of the bytes cfg_read() parsed. */
void	cfg_sha256(const config_t *, char out[65]);
/*
 * The current directory, as the source gave it, when the file a setting
 * is in was read: what its relative paths are made absolute against.
 * NULL when unknown.
 */
const char *cfg_cwd(const config_setting_t *);
/* The file and line a setting came from (the root's file when unknown). */
const char *cfg_file(const config_setting_t *);
int	cfg_line(const config_setting_t *);
/* Adds an error at a setting's file:line. */
void	cfg_error(struct diag *, const config_setting_t *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	cfg_warn(struct diag *, const config_setting_t *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * Every member of group `g` must be named in the NULL-terminated `allowed`;
 * each other one is an error ("unknown key 'x' in <what>").  Returns the
 * number of unknown keys.
 */
int	cfg_check_keys(const config_setting_t *g, const char *what,
	    const char *const *allowed, struct diag *);
/*
 * Typed look-ups of member `name` of group `g`.  Return 1 when found and
 * valid, 0 when absent (an error too if `required`), -1 on a wrong type or
 * range (an error was added).  Strings are borrowed from the config_t.
 */
int	cfg_get_string(const config_setting_t *g, const char *name,
	    int required, const char **out, struct diag *);
int	cfg_get_int(const config_setting_t *g, const char *name, int required,
	    long long min, long long max, long long *out, struct diag *);
int	cfg_get_bool(const config_setting_t *g, const char *name, int required,
	    int *out, struct diag *);
/*
 * A string or an array/list of strings.  *out is an array of borrowed
 * strings the caller frees (not its elements); *n its length.
 */
int	cfg_get_strings(const config_setting_t *g, const char *name,
	    int required, const char ***out, size_t *n, struct diag *);
/*
 * Resolves a path written in a file against that file's directory;
 * absolute paths are returned as they are.  Returns a string the caller
 * frees.
 */
char	*cfg_path(const char *file, const char *path);
/*
 * The paths of the *.conf files in `dir` (not hidden, not named `skip`
 * when it is non-NULL), in name order, as `src` lists them.  Returns an
 * array the caller frees with its strings, *n its length; NULL with
 * errno set when the directory cannot be read.
 */
char	**cfg_conf_files(const struct source *src, const char *dir,
	    const char *skip, size_t *n);
/* Appends a string as a libconfig string literal, escaping " and \. */
void	cfg_quote(struct buf *, const char *);
/* Appends `indent key = [ "a", "b" ];` and a newline. */
void	cfg_write_strings(struct buf *, const char *indent, const char *key,
	    char *const *v, size_t n);

#endif
