/* SPDX-License-Identifier: Apache-2.0 */
/* cli.h: the qib command's subcommand table and shared helpers.
 * Only the CLI prints and exits; it turns a qib_status into an exit code. */
#ifndef QIB_CLI_H
#define QIB_CLI_H

#include "qib.h"

/* Exit codes: 0 success, 1 usage error, 2 bad or unreadable input,
 * 3 internal or resource failure. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_USAGE = 1, CLI_EXIT_INPUT = 2, CLI_EXIT_FAILURE = 3 };

typedef struct cli_command {
    const char *name;
    const char *summary;
    const char *usage; /* full help text */
    int (*run)(int argc, char **argv);
} cli_command;

/* Every subcommand, in the order `qib help` lists them (cli_commands.c). */
extern const cli_command cli_command_table[];
extern const size_t cli_command_count;

/* Prints "qib: FILE: FIELD: REASON" to stderr and returns the exit code for st. */
int cli_report(const qib_error *err, qib_status st);
/* Names the file in err when the library did not (e.g. a grid mismatch is
 * reported against the mask file). */
void cli_set_file(qib_error *err, const char *path);
/* Exit code for a status (2 for input problems, 3 for memory/internal). */
int cli_exit_code(qib_status st);
/* Prints "qib CMD: MESSAGE" and a hint to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...);

int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_settings(int argc, char **argv);
int cmd_phantom(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_dicom(int argc, char **argv);
int cmd_filter(int argc, char **argv);
int cmd_adc(int argc, char **argv);
int cmd_recist(int argc, char **argv);
int cmd_recist_measure(int argc, char **argv);

/* Key/value lists for cli_write_provenance_multi (cli_record.c): inputs and
 * outputs as role/path, extras as key/value. */
#define CLI_PAIRS_MAX 16
typedef struct cli_pairs {
    const char *key[CLI_PAIRS_MAX];
    const char *value[CLI_PAIRS_MAX];
    size_t n;
} cli_pairs;
void cli_pairs_add(cli_pairs *p, const char *key, const char *value);
/* One provenance record (command line, every input, every output, extras)
 * written beside each output as OUTPUT.provenance.json. Returns an exit code. */
int cli_write_provenance_multi(int argc, char **argv, const cli_pairs *in, const cli_pairs *out,
                               const cli_pairs *extra);
/* The fewest of 15..17 significant digits that read back exactly ("nan"). */
void cli_format_double(char *buf, size_t n, double v);
int cmd_suv(int argc, char **argv);

#endif

/* ---- option parsing shared by the subcommands (cli_util.c) ----
 * Accepts "--name value" and "--name=value". cli_opt_value returns the value
 * and advances *i past it, or NULL (after printing a usage error) when the
 * value is missing. */
const char *cli_opt_value(int argc, char **argv, int *i, const char *name);
/* Is argv[i] the option `name`, alone or as "--name=..."? */
int cli_is_opt(const char *arg, const char *name);
/* Parses "a,b,c" into n doubles (n = 1 accepts one value for all three). */
int cli_parse_triple(const char *text, double out[3]);

/* Writes `path`.provenance.json (or prov_path when not NULL) for an output
 * file, with the command line, settings, inputs and outputs. inputs and
 * roles are parallel arrays of n entries. Returns an exit code. */
int cli_write_provenance(const char *out_path, const char *prov_path, int argc, char **argv,
                         const qib_settings *settings, const char *const *roles,
                         const char *const *inputs, size_t n);
