/* SPDX-License-Identifier: Apache-2.0 */
/* qib.c: the qib command: finds the subcommand and runs it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_exit_code(qib_status st) {
    switch (st) {
    case QIB_OK: return CLI_EXIT_OK;
    case QIB_ERR_ARG: return CLI_EXIT_USAGE;
    case QIB_ERR_NOMEM: return CLI_EXIT_FAILURE;
    default: return CLI_EXIT_INPUT;
    }
}

int cli_report(const qib_error *err, qib_status st) {
    char msg[2048];
    qib_error_format(err, msg, sizeof msg);
    fprintf(stderr, "qib: %s\n", msg);
    return cli_exit_code(st);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "qib %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'qib help %s'.\n", cmd);
    return CLI_EXIT_USAGE;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        cmd_help(1, argv);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h")) name = "help";
    if (!strcmp(name, "--version")) name = "version";
    for (size_t i = 0; i < cli_command_count; i++)
        if (!strcmp(cli_command_table[i].name, name))
            return cli_command_table[i].run(argc - 1, argv + 1);
    fprintf(stderr, "qib: unknown command '%s'. Try 'qib help'.\n", argv[1]);
    return CLI_EXIT_USAGE;
}
