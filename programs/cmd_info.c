/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_info.c: `qib info FILE` and `qib convert IN OUT`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* -0 prints as "-0"; geometry read through sign flips (RAS to LPS) can hold
 * it, and it means the same as 0. */
static double z(double x) { return x == 0 ? 0.0 : x; }

int cmd_info(int argc, char **argv) {
    if (argc != 2) return cli_usage_error("info", "needs exactly one FILE");
    qib_error err;
    qib_error_clear(&err);
    qib_volume *v = NULL;
    qib_image_info info;
    memset(&info, 0, sizeof info);
    qib_status st = qib_image_read(argv[1], NULL, &v, &info, &err);
    if (st) {
        cli_set_file(&err, argv[1]);
        return cli_report(&err, st);
    }
    const qib_grid *g = qib_volume_grid(v);
    double lo = INFINITY, hi = -INFINITY;
    size_t n = qib_volume_frame_voxels(v) * qib_volume_frames(v);
    for (size_t i = 0; i < n; i++) {
        double x = qib_volume_value(v, i);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
    }
    printf("file:        %s\n", argv[1]);
    printf("format:      %s%s\n", qib_format_name(info.format), info.gzip ? " (gzip)" : "");
    printf("voxel type:  %s (stored %s)\n", qib_dtype_name(qib_volume_dtype(v)),
           qib_dtype_name(info.stored_dtype));
    if (info.scl_slope != 1 || info.scl_inter != 0)
        printf("scaling:     value * %.9g + %.9g\n", info.scl_slope, info.scl_inter);
    printf("dimensions:  %zu x %zu x %zu", g->dim[0], g->dim[1], g->dim[2]);
    if (qib_volume_frames(v) > 1) printf(" x %zu frames", qib_volume_frames(v));
    printf("\nspacing:     %.9g x %.9g x %.9g mm\n", g->spacing[0], g->spacing[1], g->spacing[2]);
    printf("origin:      (%.9g, %.9g, %.9g) mm, LPS\n", z(g->origin[0]), z(g->origin[1]),
           z(g->origin[2]));
    printf("direction:   [%.9g %.9g %.9g; %.9g %.9g %.9g; %.9g %.9g %.9g]\n", z(g->direction[0]),
           z(g->direction[1]), z(g->direction[2]), z(g->direction[3]), z(g->direction[4]),
           z(g->direction[5]), z(g->direction[6]), z(g->direction[7]), z(g->direction[8]));
    if (info.format == QIB_FORMAT_NIFTI1 || info.format == QIB_FORMAT_NIFTI2)
        printf("nifti:       qform_code %d, sform_code %d, geometry from %s\n", info.qform_code,
               info.sform_code, info.used_sform ? "sform" : "qform");
    if (info.description[0]) printf("description: %s\n", info.description);
    printf("range:       %.9g .. %.9g\n", lo, hi);
    qib_volume_free(v);
    return CLI_EXIT_OK;
}

int cmd_convert(int argc, char **argv) {
    if (argc != 3) return cli_usage_error("convert", "needs INPUT and OUTPUT");
    qib_error err;
    qib_error_clear(&err);
    qib_volume *v = NULL;
    qib_status st = qib_image_read(argv[1], NULL, &v, NULL, &err);
    if (st) {
        cli_set_file(&err, argv[1]);
        return cli_report(&err, st);
    }
    st = qib_image_write(argv[2], v, &err);
    qib_volume_free(v);
    if (st) {
        cli_set_file(&err, argv[2]);
        return cli_report(&err, st);
    }
    const char *roles[] = {"input"};
    const char *inputs[] = {argv[1]};
    return cli_write_provenance(argv[2], NULL, argc + 1, argv - 1, NULL, roles, inputs, 1);
}
