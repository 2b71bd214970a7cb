/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_phantom.c: `qib phantom OUTDIR`, a synthetic case with ground truth. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* Parses the options into p; returns 0 or an exit code. */
static int parse(int argc, char **argv, qib_phantom_params *p, const char **outdir,
                 const char **ext) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        double t[3];
        if (cli_is_opt(a, "--shape")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--shape"))) return CLI_EXIT_USAGE;
            if (!strcmp(v, "sphere")) p->shape = QIB_PHANTOM_SPHERE;
            else if (!strcmp(v, "ellipsoid")) p->shape = QIB_PHANTOM_ELLIPSOID;
            else if (!strcmp(v, "cube")) p->shape = QIB_PHANTOM_CUBE;
            else return cli_usage_error("phantom", "--shape must be sphere, ellipsoid or cube");
        } else if (cli_is_opt(a, "--radius") || cli_is_opt(a, "--size") ||
                   cli_is_opt(a, "--spacing") || cli_is_opt(a, "--offset")) {
            const char *name = cli_is_opt(a, "--radius")    ? "--radius"
                               : cli_is_opt(a, "--size")    ? "--size"
                               : cli_is_opt(a, "--spacing") ? "--spacing"
                                                            : "--offset";
            if (!(v = cli_opt_value(argc, argv, &i, name))) return CLI_EXIT_USAGE;
            if (!cli_parse_triple(v, t))
                return cli_usage_error("phantom", "%s needs one or three numbers, got '%s'", name, v);
            if (!strcmp(name, "--radius")) memcpy(p->radius, t, sizeof t);
            else if (!strcmp(name, "--spacing")) memcpy(p->spacing, t, sizeof t);
            else if (!strcmp(name, "--offset")) memcpy(p->centre_offset, t, sizeof t);
            else {
                for (int c = 0; c < 3; c++) {
                    if (!(t[c] >= 1 && t[c] <= 4096 && t[c] == (double)(size_t)t[c]))
                        return cli_usage_error("phantom", "--size needs whole numbers 1..4096");
                    p->dim[c] = (size_t)t[c];
                }
            }
        } else if (cli_is_opt(a, "--noise")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--noise"))) return CLI_EXIT_USAGE;
            p->noise_sd = strtod(v, NULL);
        } else if (cli_is_opt(a, "--seed")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--seed"))) return CLI_EXIT_USAGE;
            p->seed = strtoull(v, NULL, 10);
        } else if (cli_is_opt(a, "--format")) {
            if (!(v = cli_opt_value(argc, argv, &i, "--format"))) return CLI_EXIT_USAGE;
            if (!strcmp(v, "nii.gz")) *ext = ".nii.gz";
            else if (!strcmp(v, "nii")) *ext = ".nii";
            else if (!strcmp(v, "nrrd")) *ext = ".nrrd";
            else return cli_usage_error("phantom", "--format must be nii.gz, nii or nrrd");
        } else if (a[0] == '-') {
            return cli_usage_error("phantom", "unknown option '%s'", a);
        } else if (!*outdir) {
            *outdir = a;
        } else {
            return cli_usage_error("phantom", "unexpected argument '%s'", a);
        }
    }
    if (!*outdir) return cli_usage_error("phantom", "needs OUTDIR");
    return 0;
}

int cmd_phantom(int argc, char **argv) {
    qib_phantom_params p;
    qib_phantom_params_default(&p);
    const char *outdir = NULL, *ext = ".nii.gz";
    int rc = parse(argc, argv, &p, &outdir, &ext);
    if (rc) return rc;
    if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "qib: %s: cannot create the folder: %s\n", outdir, strerror(errno));
        return CLI_EXIT_INPUT;
    }
    qib_error err;
    qib_error_clear(&err);
    qib_volume *image = NULL, *mask = NULL;
    qib_phantom_truth truth;
    qib_status st = qib_phantom_make(&p, &image, &mask, &truth, &err);
    if (st) return cli_report(&err, st);
    char ipath[4096], mpath[4096], tpath[4096];
    snprintf(ipath, sizeof ipath, "%s/image%s", outdir, ext);
    snprintf(mpath, sizeof mpath, "%s/mask%s", outdir, ext);
    snprintf(tpath, sizeof tpath, "%s/truth.json", outdir);
    st = qib_image_write(ipath, image, &err);
    if (!st) st = qib_image_write(mpath, mask, &err);
    qib_volume_free(image);
    qib_volume_free(mask);
    if (st) return cli_report(&err, st);
    static const char *shapes[] = {"", "sphere", "ellipsoid", "cube"};
    FILE *f = fopen(tpath, "wb");
    if (!f) {
        fprintf(stderr, "qib: %s: cannot write\n", tpath);
        return CLI_EXIT_INPUT;
    }
    fprintf(f,
            "{\n  \"shape\": \"%s\",\n  \"radius_mm\": [%.17g, %.17g, %.17g],\n"
            "  \"size\": [%zu, %zu, %zu],\n  \"spacing_mm\": [%.17g, %.17g, %.17g],\n"
            "  \"seed\": %llu,\n  \"volume_mm3\": %.17g,\n  \"voxel_count\": %zu,\n"
            "  \"voxel_volume_mm3\": %.17g,\n  \"mean_hu_noiseless\": %.17g\n}\n",
            shapes[p.shape], p.radius[0], p.radius[1], p.radius[2], p.dim[0], p.dim[1], p.dim[2],
            p.spacing[0], p.spacing[1], p.spacing[2], (unsigned long long)p.seed, truth.volume_mm3,
            truth.voxel_count, truth.voxel_volume_mm3, truth.mean_hu_noiseless);
    if (fclose(f) != 0) return CLI_EXIT_INPUT;
    const char *roles[] = {0};
    rc = cli_write_provenance(ipath, NULL, argc + 1, argv - 1, NULL, roles, NULL, 0);
    if (!rc) rc = cli_write_provenance(mpath, NULL, argc + 1, argv - 1, NULL, roles, NULL, 0);
    if (rc) return rc;
    printf("wrote %s, %s and %s: %s, %zu voxels (%.1f mm3), exact volume %.1f mm3\n", ipath, mpath,
           tpath, shapes[p.shape], truth.voxel_count, truth.voxel_volume_mm3, truth.volume_mm3);
    return CLI_EXIT_OK;
}
