/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_help.c: `qib help` and `qib version`. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_help(int argc, char **argv) {
    if (argc >= 2) {
        for (size_t i = 0; i < cli_command_count; i++)
            if (!strcmp(cli_command_table[i].name, argv[1])) {
                fputs(cli_command_table[i].usage, stdout);
                return CLI_EXIT_OK;
            }
        fprintf(stderr, "qib help: no command '%s'\n", argv[1]);
        return CLI_EXIT_USAGE;
    }
    printf("qib %s: quantitative imaging biomarkers from medical images\n\n", qib_version_string());
    printf("usage: qib COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < cli_command_count; i++)
        printf("  %-15s %s\n", cli_command_table[i].name, cli_command_table[i].summary);
    printf("\nRun 'qib help COMMAND' for a command's options.\n");
    return CLI_EXIT_OK;
}

int cmd_version(int argc, char **argv) {
    printf("qib %s (commit %s)\n", qib_version_string(), qib_git_commit());
    return CLI_EXIT_OK;
}
