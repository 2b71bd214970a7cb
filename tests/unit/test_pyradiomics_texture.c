/* SPDX-License-Identifier: Apache-2.0 */
/* test_pyradiomics_texture.c: PyRadiomics 3.1's texture classes
 * (src/pyradiomics/glcm.c, gldm.c, glrlm.c, glszm.c, ngtdm.c,
 * pr_texture.c) against
 *   - matrices and features worked out by hand on tiny regions (in the
 *     comments), including where PyRadiomics differs from IBSI: grey
 *     levels kept as bin indices with N_g the highest level present, angles
 *     along which no line holds two voxels dropped, voxels without
 *     neighbours counted in the NGTDM, distances as shells;
 *   - the settings distances, symmetrical_glcm, weighting_norm, gldm_alpha,
 *     force2d and force2d_dimension;
 *   - PyRadiomics' own output for the IBSI digital phantom
 *     (../shared/pyradiomics-reference, bin widths 25 and 1);
 *   - qib's IBSI families, for every feature whose IBSI code says the
 *     definitions agree (3D, and force2D against IBSI's 2.5D methods);
 *   - invariance under swapping the grid's axes.
 * Run alone: ctest -R pyradiomics_texture, or ./test_pyradiomics_texture. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/zones.h"
#include "test_util.h"

#define GLCM qib__family_pr_glcm
#define GLDM qib__family_pr_gldm
#define GLRLM qib__family_pr_glrlm
#define GLSZM qib__family_pr_glszm
#define NGTDM qib__family_pr_ngtdm

/* ---- helpers ---- */

typedef struct region {
    qib_roi roi;
    int32_t *levels;
    uint8_t *mask;
    qib_settings *s;
} region;

/* A region over levels (0 outside) on an nx x ny x nz grid, 1 mm voxels. */
static void region_make(region *r, const int32_t *lv, size_t nx, size_t ny, size_t nz) {
    memset(r, 0, sizeof *r);
    qib_error err;
    TU_OK(qib_settings_create(&r->s, &err), &err);
    qib_grid_init(&r->roi.grid, nx, ny, nz);
    size_t n = nx * ny * nz, inside = 0;
    int32_t top = 0;
    r->levels = malloc(n * sizeof *r->levels);
    r->mask = malloc(n);
    assert_non_null(r->levels);
    assert_non_null(r->mask);
    for (size_t i = 0; i < n; i++) {
        r->levels[i] = lv[i];
        r->mask[i] = lv[i] > 0;
        inside += r->mask[i];
        if (lv[i] > top) top = lv[i];
    }
    r->roi.n = n;
    r->roi.levels = r->levels;
    r->roi.n_levels = top;
    r->roi.morph_mask = r->roi.int_mask = r->mask;
    r->roi.n_morph = r->roi.n_int = inside;
    r->roi.settings = r->s;
}

static void region_free(region *r) {
    free(r->levels);
    free(r->mask);
    qib_settings_free(r->s);
}

static void set(region *r, const char *name, const char *value) {
    qib_error err;
    TU_OK(qib_settings_set(r->s, name, value, &err), &err);
}

/* Every feature of fam (aggregation agg) into out. */
static void values_agg(const qib_family_def *fam, const qib_roi *roi, size_t agg, double *out) {
    void *ctx = NULL;
    qib_error err;
    TU_OK(fam->prepare(roi, agg, &ctx, &err), &err);
    for (size_t k = 0; k < fam->n_features; k++) out[k] = fam->features[k].fn(ctx);
    fam->release(ctx);
}

static void values(const qib_family_def *fam, const region *r, double *out) {
    values_agg(fam, &r->roi, 0, out);
}

static size_t idx(const qib_family_def *fam, const char *name) {
    for (size_t k = 0; k < fam->n_features; k++)
        if (!strcmp(fam->features[k].info.name, name)) return k;
    fail_msg("%s has no feature %s", fam->info.name, name);
    return 0;
}

/* One feature of the region. */
static double feature(const qib_family_def *fam, const region *r, const char *name) {
    double v[QIB_TEX_MAX_FEATURES];
    values(fam, r, v);
    return v[idx(fam, name)];
}

static bool close_to(double a, double b, double rel) {
    return fabs(a - b) <= rel * (fabs(b) > 1 ? fabs(b) : 1);
}

#define NEAR(a, b)                                                                             \
    do {                                                                                       \
        double a_ = (a), b_ = (b);                                                             \
        if (!close_to(a_, b_, 1e-12)) fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);    \
    } while (0)
#define F(fam, r, name) feature(&(fam), &(r), name)

/* -p log2 p summed over the given probabilities (hand entropies). */
static double entropy(const double *p, size_t n) {
    double h = 0;
    for (size_t k = 0; k < n; k++) h -= p[k] * log2(p[k]);
    return h;
}

/* ---- the registry ---- */

/* Five classes with PyRadiomics' 75 default features, named as its columns
 * (glcm_Contrast), in its (sorted) output order, in the pyradiomics set. */
static void test_registry(void **state) {
    (void)state;
    const qib_family_def *fams[5] = {&GLCM, &GLDM, &GLRLM, &GLSZM, &NGTDM};
    const char *cols[5] = {"glcm", "gldm", "glrlm", "glszm", "ngtdm"};
    const size_t counts[5] = {24, 14, 16, 16, 5};
    for (int f = 0; f < 5; f++) {
        const qib_family_info *info = qib_family_find(fams[f]->info.name);
        assert_non_null(info);
        assert_string_equal(qib_family_column(info), cols[f]);
        assert_string_equal(qib_family_set(info), "pyradiomics");
        assert_int_equal(fams[f]->n_features, counts[f]);
        for (size_t k = 0; k < fams[f]->n_features; k++) {
            const qib_feature_info *fi = &fams[f]->features[k].info;
            char want[128];
            snprintf(want, sizeof want, "%s_%s", cols[f], fi->name);
            assert_string_equal(fi->pyradiomics, want);
            assert_string_equal(fi->family, fams[f]->info.name);
            if (k) assert_true(strcmp(fams[f]->features[k - 1].info.name, fi->name) < 0);
        }
    }
    /* PyRadiomics' own names, as in its output */
    assert_int_equal(idx(&GLCM, "MCC"), 19);
    assert_int_equal(idx(&GLCM, "MaximumProbability"), 20);
    assert_int_equal(idx(&NGTDM, "Busyness"), 0);
}

/* ---- GLCM ---- */

/* The line 1 2 2 3 along i: one angle (the others leave the 4 x 1 x 1
 * box). Pairs (1,2) (2,2) (2,3), made symmetric: P(1,2) = P(2,1) = 1,
 * P(2,2) = 2, P(2,3) = P(3,2) = 1, sum 6. p_x = p_y = (1/6, 2/3, 1/6),
 * mu = 2. p_{x-y}: k=0 1/3, k=1 2/3. p_{x+y}: 3, 4, 5 each 1/3.
 * Contrast: 4 pairs with (i-j)^2 = 1: 2/3. Autocorrelation:
 * (2 + 2 + 8 + 6 + 6)/6 = 4. Cluster tendency: (i+j-4)^2 = 1 for the 4
 * off-diagonal pairs: 2/3; shade 0; prominence 2/3. MCC: D^-1 P is the
 * transition matrix T = [0 1 0; 1/4 1/2 1/4; 0 1 0] (eigenvalues 1, -1/2,
 * 0) and Q = T^2, so the second eigenvalue is 1/4: MCC = 1/2. N_g = 3. */
static void test_glcm_hand(void **state) {
    (void)state;
    const int32_t line[4] = {1, 2, 2, 3};
    region r;
    region_make(&r, line, 4, 1, 1);
    double v[QIB_TEX_MAX_FEATURES];
    values(&GLCM, &r, v);
#define G(name) v[idx(&GLCM, name)]
    NEAR(G("Contrast"), 2.0 / 3);
    NEAR(G("JointAverage"), 2);
    NEAR(G("SumAverage"), 4);
    NEAR(G("Autocorrelation"), 4);
    NEAR(G("JointEnergy"), 8.0 / 36);
    NEAR(G("MaximumProbability"), 1.0 / 3);
    NEAR(G("SumSquares"), 1.0 / 3);
    NEAR(G("Correlation"), 0); /* sum p (i-2)(j-2) = 0 */
    NEAR(G("ClusterTendency"), 2.0 / 3);
    NEAR(G("ClusterShade"), 0);
    NEAR(G("ClusterProminence"), 2.0 / 3);
    NEAR(G("DifferenceAverage"), 2.0 / 3);
    NEAR(G("DifferenceVariance"), 2.0 / 9); /* (2/3)^2 1/3 + (1/3)^2 2/3 */
    NEAR(G("Id"), 2.0 / 3);
    NEAR(G("Idm"), 2.0 / 3);
    NEAR(G("InverseVariance"), 2.0 / 3);
    NEAR(G("Idn"), 1.0 / 3 + (2.0 / 3) / (1 + 1.0 / 3));
    NEAR(G("Idmn"), 1.0 / 3 + (2.0 / 3) / (1 + 1.0 / 9));
    NEAR(G("MCC"), 0.5);
    const double pj[5] = {1.0 / 6, 1.0 / 6, 1.0 / 3, 1.0 / 6, 1.0 / 6};
    const double pd[2] = {1.0 / 3, 2.0 / 3}, ps[3] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    const double px[3] = {1.0 / 6, 2.0 / 3, 1.0 / 6};
    double hxy = entropy(pj, 5), hx = entropy(px, 3);
    NEAR(G("JointEntropy"), hxy);
    NEAR(G("DifferenceEntropy"), entropy(pd, 2));
    NEAR(G("SumEntropy"), entropy(ps, 3));
    /* HXY1 = -sum p log2(p_x p_y): p_x p_y is 1/9 on the four off-diagonal
     * pairs and 4/9 on (2,2); HXY2 = -sum over all nine p_x p_y log2 */
    double hxy1 = -(4.0 / 6 * log2(1.0 / 9) + 1.0 / 3 * log2(4.0 / 9));
    double hxy2 = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) hxy2 -= px[a] * px[b] * log2(px[a] * px[b]);
    NEAR(G("Imc1"), (hxy - hxy1) / hx);
    NEAR(G("Imc2"), sqrt(1 - exp(-2 * (hxy2 - hxy))));
#undef G
    region_free(&r);
}

/* Grey levels keep their values, with no row for an absent level: the
 * line 1 3 3 4 has levels 1, 3, 4 and N_g = 4 (the highest present, not
 * the 3 present). Pairs (1,3) (3,3) (3,4): p_{x-y}: k=0 1/3, k=1 1/3,
 * k=2 1/3. Contrast (2/6) 4 + (2/6) 1 = 5/3 (renumbered 1 2 2 3 would give
 * 2/3); Idn = 1/3 + (1/3)/(1 + 1/4) + (1/3)/(1 + 2/4) = 37/45; Idmn =
 * 1/3 + (1/3)/(1 + 1/16) + (1/3)/(1 + 4/16). */
static void test_glcm_levels(void **state) {
    (void)state;
    const int32_t line[4] = {1, 3, 3, 4};
    region r;
    region_make(&r, line, 4, 1, 1);
    NEAR(F(GLCM, r, "Contrast"), 5.0 / 3);
    NEAR(F(GLCM, r, "Idn"), 37.0 / 45);
    NEAR(F(GLCM, r, "Idmn"), 1.0 / 3 + 16.0 / 51 + 4.0 / 15);
    NEAR(F(GLCM, r, "JointAverage"), (1 + 3 + 3 + 3 + 3 + 4) / 6.0);
    region_free(&r);
}

/* The 2 x 2 slice [1 2; 2 1] (i across): four angles in the plane. Along i
 * and along j, P = [0 2; 2 0]; along (1,1) the pair (1,1) twice, along
 * (-1,1) the pair (2,2) twice. Per angle, contrast 1, 1, 0, 0: mean 1/2.
 * weighting_norm merges the angles first: no_weighting [2 4; 4 2]/12,
 * contrast 8/12; euclidean weights e^-1 (axes) and e^-2 (diagonals):
 * 8 e^-1 / (8 e^-1 + 4 e^-2); manhattan e^-1 and e^-4. */
static void test_glcm_weighting(void **state) {
    (void)state;
    const int32_t sq[4] = {1, 2, 2, 1};
    region r;
    region_make(&r, sq, 2, 2, 1);
    NEAR(F(GLCM, r, "Contrast"), 0.5);
    set(&r, "weighting_norm", "no_weighting");
    NEAR(F(GLCM, r, "Contrast"), 2.0 / 3);
    set(&r, "weighting_norm", "euclidean");
    NEAR(F(GLCM, r, "Contrast"), 8 * exp(-1) / (8 * exp(-1) + 4 * exp(-2)));
    set(&r, "weighting_norm", "manhattan");
    NEAR(F(GLCM, r, "Contrast"), 8 * exp(-1) / (8 * exp(-1) + 4 * exp(-4)));
    set(&r, "weighting_norm", "infinity"); /* every angle 1 voxel long: e^-1 */
    NEAR(F(GLCM, r, "Contrast"), 2.0 / 3);
    region_free(&r);
}

/* symmetrical_glcm false: the line 1 2 gives P(1,2) = 1 only, so
 * mu_x = 1 (JointAverage) and mu_x + mu_y = 3 (SumAverage); symmetric,
 * mu_x = 3/2. distances: the line 1 2 1 2 1 at distance 2 pairs equal
 * levels only (contrast 0), at distance 1 unequal ones (contrast 1); both
 * distances average the two angles. */
static void test_glcm_settings(void **state) {
    (void)state;
    const int32_t pair[2] = {1, 2};
    region r;
    region_make(&r, pair, 2, 1, 1);
    NEAR(F(GLCM, r, "JointAverage"), 1.5);
    set(&r, "symmetrical_glcm", "false");
    NEAR(F(GLCM, r, "JointAverage"), 1);
    NEAR(F(GLCM, r, "SumAverage"), 3);
    region_free(&r);
    const int32_t alt[5] = {1, 2, 1, 2, 1};
    region_make(&r, alt, 5, 1, 1);
    NEAR(F(GLCM, r, "Contrast"), 1);
    set(&r, "distances", "2");
    NEAR(F(GLCM, r, "Contrast"), 0);
    set(&r, "distances", "[1, 2]");
    NEAR(F(GLCM, r, "Contrast"), 0.5);
    region_free(&r);
}

/* ---- GLRLM ---- */

/* The line 1 1 2 2 2 1: runs (1, length 2), (2, 3), (1, 1); N_r = 3,
 * N_p = 6. p_g = (2, 1) over levels 1, 2; p_r = 1 for lengths 1, 2, 3. */
static void test_glrlm_hand(void **state) {
    (void)state;
    const int32_t line[6] = {1, 1, 2, 2, 2, 1};
    region r;
    region_make(&r, line, 6, 1, 1);
    double v[QIB_TEX_MAX_FEATURES];
    values(&GLRLM, &r, v);
#define G(name) v[idx(&GLRLM, name)]
    NEAR(G("ShortRunEmphasis"), (1 + 1.0 / 4 + 1.0 / 9) / 3);
    NEAR(G("LongRunEmphasis"), 14.0 / 3);
    NEAR(G("GrayLevelNonUniformity"), 5.0 / 3);
    NEAR(G("GrayLevelNonUniformityNormalized"), 5.0 / 9);
    NEAR(G("RunLengthNonUniformity"), 1);
    NEAR(G("RunLengthNonUniformityNormalized"), 1.0 / 3);
    NEAR(G("RunPercentage"), 0.5);
    NEAR(G("GrayLevelVariance"), 2.0 / 9); /* mu 4/3 */
    NEAR(G("RunVariance"), 2.0 / 3);
    NEAR(G("RunEntropy"), log2(3));
    NEAR(G("LowGrayLevelRunEmphasis"), 0.75);
    NEAR(G("HighGrayLevelRunEmphasis"), 2);
    NEAR(G("ShortRunLowGrayLevelEmphasis"), (1 + 1.0 / 4 + 1.0 / 36) / 3);
    NEAR(G("ShortRunHighGrayLevelEmphasis"), (1 + 1.0 / 4 + 4.0 / 9) / 3);
    NEAR(G("LongRunLowGrayLevelEmphasis"), (1 + 4 + 9.0 / 4) / 3);
    NEAR(G("LongRunHighGrayLevelEmphasis"), (1 + 4 + 36) / 3.0);
#undef G
    region_free(&r);
}

/* The 2 x 2 slice [1 0; 0 1]: along the diagonal (1,1) one run of length
 * 2; along i, j and (-1,1) no line holds two voxels, and PyRadiomics drops
 * those angles (IBSI would average in their runs of length 1). So SRE is
 * 1/4 and RP 1/2, from the diagonal alone. */
static void test_glrlm_dropped_angles(void **state) {
    (void)state;
    const int32_t diag[4] = {1, 0, 0, 1};
    region r;
    region_make(&r, diag, 2, 2, 1);
    NEAR(F(GLRLM, r, "ShortRunEmphasis"), 0.25);
    NEAR(F(GLRLM, r, "RunPercentage"), 0.5);
    region_free(&r);
    /* a single voxel: every angle is dropped, every value NaN */
    const int32_t one[1] = {4};
    region_make(&r, one, 1, 1, 1);
    double v[QIB_TEX_MAX_FEATURES];
    values(&GLRLM, &r, v);
    for (size_t k = 0; k < GLRLM.n_features; k++) assert_true(isnan(v[k]));
    region_free(&r);
}

/* weighting_norm merges the angles' run matrices with weights ||d|| (here
 * manhattan: 1 along an axis, 2 on a diagonal). The slice [1 1; 1 1]:
 * along i and along j two runs of 2; along each diagonal one run of 2 and
 * two of 1. Per angle SRE is 1/4, 1/4, 3/4, 3/4 (mean 1/2) and RP 1/2,
 * 1/2, 3/4, 3/4 (mean 5/8). Merged: length 2 weighs 2 + 2 + 2 + 2 = 8,
 * length 1 weighs 4 + 4 = 8: N_r = 16, N_p = 8 + 16 = 24, so SRE =
 * (8 + 8/4)/16 = 5/8 and RP = 2/3. */
static void test_glrlm_weighting(void **state) {
    (void)state;
    const int32_t sq[4] = {1, 1, 1, 1};
    region r;
    region_make(&r, sq, 2, 2, 1);
    NEAR(F(GLRLM, r, "ShortRunEmphasis"), 0.5);
    NEAR(F(GLRLM, r, "RunPercentage"), 5.0 / 8);
    set(&r, "weighting_norm", "manhattan");
    NEAR(F(GLRLM, r, "ShortRunEmphasis"), 5.0 / 8);
    NEAR(F(GLRLM, r, "RunPercentage"), 2.0 / 3);
    region_free(&r);
}

/* ---- GLSZM, GLDM, NGTDM on one slice ----
 *     1 1 2        (i across, j down; one slice)
 *     1 2 2
 *     3 2 1                                                            */
static const int32_t slice[9] = {1, 1, 2, 1, 2, 2, 3, 2, 1};

/* Zones (8-connected in the slice): level 1 {(0,0) (1,0) (0,1)} size 3 and
 * {(2,2)} size 1; level 2 {(2,0) (1,1) (2,1) (1,2)} size 4; level 3
 * {(0,2)} size 1. N_z = 4, N_p = 9; p_g = (2, 1, 1); sizes 1 (twice), 3, 4. */
static void test_glszm_hand(void **state) {
    (void)state;
    region r;
    region_make(&r, slice, 3, 3, 1);
    double v[QIB_TEX_MAX_FEATURES];
    values(&GLSZM, &r, v);
#define G(name) v[idx(&GLSZM, name)]
    NEAR(G("SmallAreaEmphasis"), (1.0 / 9 + 1 + 1.0 / 16 + 1) / 4);
    NEAR(G("LargeAreaEmphasis"), 27.0 / 4);
    NEAR(G("GrayLevelNonUniformity"), 1.5);
    NEAR(G("GrayLevelNonUniformityNormalized"), 6.0 / 16);
    NEAR(G("SizeZoneNonUniformity"), 1.5);
    NEAR(G("SizeZoneNonUniformityNormalized"), 6.0 / 16);
    NEAR(G("ZonePercentage"), 4.0 / 9);
    NEAR(G("GrayLevelVariance"), 11.0 / 16); /* mu 7/4 */
    NEAR(G("ZoneVariance"), 27.0 / 16);      /* mu 9/4 */
    NEAR(G("ZoneEntropy"), 2);
    NEAR(G("LowGrayLevelZoneEmphasis"), (2 + 1.0 / 4 + 1.0 / 9) / 4);
    NEAR(G("HighGrayLevelZoneEmphasis"), 15.0 / 4);
    NEAR(G("SmallAreaLowGrayLevelEmphasis"), (1.0 / 9 + 1 + 1.0 / 64 + 1.0 / 9) / 4);
    NEAR(G("SmallAreaHighGrayLevelEmphasis"), (1.0 / 9 + 1 + 4.0 / 16 + 9) / 4);
    NEAR(G("LargeAreaLowGrayLevelEmphasis"), (9 + 1 + 16.0 / 4 + 1.0 / 9) / 4);
    NEAR(G("LargeAreaHighGrayLevelEmphasis"), (9 + 1 + 64 + 9) / 4.0);
#undef G
    region_free(&r);
}

/* Two voxels of one level touching by a corner across slices: one
 * 26-connected zone in 3D; two zones with force2D (planes of constant k),
 * and one again when the planes are the i = const ones (dimension 2). */
static void test_glszm_connectivity(void **state) {
    (void)state;
    const int32_t two[8] = {5, 0, 0, 0, 0, 0, 0, 5}; /* (0,0,0) and (1,1,1) */
    region r;
    region_make(&r, two, 2, 2, 2);
    NEAR(F(GLSZM, r, "ZonePercentage"), 0.5);
    set(&r, "force2d", "true");
    NEAR(F(GLSZM, r, "ZonePercentage"), 1);
    const int32_t edge[8] = {5, 0, 0, 0, 0, 5, 0, 0}; /* (0,0,0) and (1,0,1): same j */
    region_free(&r);
    region_make(&r, edge, 2, 2, 2);
    set(&r, "force2d", "true");
    NEAR(F(GLSZM, r, "ZonePercentage"), 1); /* k planes split them */
    set(&r, "force2d_dimension", "1");      /* j planes: (0,0,0) and (1,0,1) share j = 0 */
    NEAR(F(GLSZM, r, "ZonePercentage"), 0.5);
    set(&r, "force2d_dimension", "2"); /* i planes split them */
    NEAR(F(GLSZM, r, "ZonePercentage"), 1);
    region_free(&r);
}

/* Dependence (alpha 0): 1 + the in-region neighbours of equal level.
 *   (0,0) 1: 2 of 3 -> 3    (1,0) 1: 2 -> 3    (2,0) 2: 2 -> 3
 *   (0,1) 1: 2 -> 3         (1,1) 2: 3 -> 4    (2,1) 2: 3 -> 4
 *   (0,2) 3: 0 -> 1         (1,2) 2: 2 -> 3    (2,2) 1: 0 -> 1
 * P: level 1: j=3 x3, j=1 x1; level 2: j=3 x2, j=4 x2; level 3: j=1 x1.
 * N_z = 9; p_g = (4, 4, 1); p_d = (j1: 2, j3: 5, j4: 2). */
static void test_gldm_hand(void **state) {
    (void)state;
    region r;
    region_make(&r, slice, 3, 3, 1);
    double v[QIB_TEX_MAX_FEATURES];
    values(&GLDM, &r, v);
#define G(name) v[idx(&GLDM, name)]
    NEAR(G("SmallDependenceEmphasis"), (3.0 / 9 + 1 + 2.0 / 9 + 2.0 / 16 + 1) / 9);
    NEAR(G("LargeDependenceEmphasis"), 79.0 / 9);
    NEAR(G("GrayLevelNonUniformity"), 33.0 / 9);
    NEAR(G("DependenceNonUniformity"), 33.0 / 9);
    NEAR(G("DependenceNonUniformityNormalized"), 33.0 / 81);
    NEAR(G("GrayLevelVariance"), 4.0 / 9);     /* mu 5/3 */
    NEAR(G("DependenceVariance"), 774.0 / 729); /* mu 25/9 */
    const double p[5] = {3.0 / 9, 1.0 / 9, 2.0 / 9, 2.0 / 9, 1.0 / 9};
    NEAR(G("DependenceEntropy"), entropy(p, 5));
    NEAR(G("LowGrayLevelEmphasis"), (4 + 1 + 1.0 / 9) / 9);
    NEAR(G("HighGrayLevelEmphasis"), 29.0 / 9);
    NEAR(G("SmallDependenceLowGrayLevelEmphasis"),
         (3.0 / 9 + 1 + 2.0 / 36 + 2.0 / 64 + 1.0 / 9) / 9);
    NEAR(G("LargeDependenceHighGrayLevelEmphasis"), (27 + 1 + 72 + 128 + 9) / 9.0);
#undef G
    region_free(&r);
}

/* gldm_alpha: on the line 1 2 3 with alpha 1 the dependences are 2, 3, 2
 * (LDE 17/3), with alpha 0 all 1. distances: the line 1 1 1 1 1 at
 * distance 2 alone (the shell |d| = 2) gives 2 2 3 2 2 (LDE 5), at
 * distances 1 and 2 gives 3 4 5 4 3 (LDE 15). */
static void test_gldm_settings(void **state) {
    (void)state;
    const int32_t ramp[3] = {1, 2, 3};
    region r;
    region_make(&r, ramp, 3, 1, 1);
    NEAR(F(GLDM, r, "LargeDependenceEmphasis"), 1);
    set(&r, "gldm_alpha", "1");
    NEAR(F(GLDM, r, "LargeDependenceEmphasis"), 17.0 / 3);
    region_free(&r);
    const int32_t flat[5] = {1, 1, 1, 1, 1};
    region_make(&r, flat, 5, 1, 1);
    set(&r, "distances", "2");
    NEAR(F(GLDM, r, "LargeDependenceEmphasis"), 5);
    set(&r, "distances", "1,2");
    NEAR(F(GLDM, r, "LargeDependenceEmphasis"), 15);
    region_free(&r);
}

/* The slice: |level - mean of the in-region neighbours|
 *   (0,0) 1: 4/3 -> 1/3      (1,0) 1: 8/5 -> 3/5     (2,0) 2: 5/3 -> 1/3
 *   (0,1) 1: 9/5 -> 4/5      (1,1) 2: 13/8 -> 3/8    (2,1) 2: 8/5 -> 2/5
 *   (0,2) 3: 5/3 -> 4/3      (1,2) 2: 9/5 -> 1/5     (2,2) 1: 2 -> 1
 * n = (4, 4, 1), s_1 = 41/15, s_2 = 157/120, s_3 = 4/3. */
static void test_ngtdm_hand(void **state) {
    (void)state;
    region r;
    region_make(&r, slice, 3, 3, 1);
    double v[QIB_TEX_MAX_FEATURES];
    values(&NGTDM, &r, v);
    double s1 = 41.0 / 15, s2 = 157.0 / 120, s3 = 4.0 / 3, ss = s1 + s2 + s3;
    double p1 = 4.0 / 9, p2 = 4.0 / 9, p3 = 1.0 / 9, ps = p1 * s1 + p2 * s2 + p3 * s3;
    NEAR(v[idx(&NGTDM, "Coarseness")], 1 / ps);
    NEAR(v[idx(&NGTDM, "Contrast")], 2 * (16 + 16 + 4) / 81.0 / 6 * ss / 9);
    NEAR(v[idx(&NGTDM, "Busyness")],
         ps / (2 * (fabs(p1 - 2 * p2) + fabs(p1 - 3 * p3) + fabs(2 * p2 - 3 * p3))));
    double cx = 2 * ((p1 * s1 + p2 * s2) / (p1 + p2) + 2 * (p1 * s1 + p3 * s3) / (p1 + p3) +
                     (p2 * s2 + p3 * s3) / (p2 + p3));
    NEAR(v[idx(&NGTDM, "Complexity")], cx / 9);
    NEAR(v[idx(&NGTDM, "Strength")], 2 * ((p1 + p2) + 4 * (p1 + p3) + (p2 + p3)) / ss);
    region_free(&r);
}

/* A voxel without neighbours still counts in n_i, with |i - A| = 0
 * (IBSI leaves it out). The line 1 2 . 3: s = (1, 1, 0), n = (1, 1, 1),
 * p = 1/3 each: coarseness 1/(2/3) = 3/2 (IBSI: 1), contrast
 * (2 (1 + 4 + 1)/9 / 6)(2/3) = 4/27, busyness (2/3)/(2 (1/3)(1 + 2 + 1)) =
 * 1/4, complexity (2 (1 + 1 + 1/2))/3 = 5/3, strength 2 (2/3)(6)/2 = 4. */
static void test_ngtdm_isolated(void **state) {
    (void)state;
    const int32_t line[4] = {1, 2, 0, 3};
    region r;
    region_make(&r, line, 4, 1, 1);
    double v[QIB_TEX_MAX_FEATURES];
    values(&NGTDM, &r, v);
    NEAR(v[idx(&NGTDM, "Coarseness")], 1.5);
    NEAR(v[idx(&NGTDM, "Contrast")], 4.0 / 27);
    NEAR(v[idx(&NGTDM, "Busyness")], 0.25);
    NEAR(v[idx(&NGTDM, "Complexity")], 5.0 / 3);
    NEAR(v[idx(&NGTDM, "Strength")], 4);
    region_free(&r);
    /* one level: coarseness capped at 10^6, the others 0 */
    const int32_t flat[4] = {2, 2, 0, 2};
    region_make(&r, flat, 4, 1, 1);
    values(&NGTDM, &r, v);
    NEAR(v[idx(&NGTDM, "Coarseness")], 1e6);
    for (size_t k = 0; k < NGTDM.n_features; k++)
        if (k != idx(&NGTDM, "Coarseness")) NEAR(v[k], 0);
    region_free(&r);
}

/* distances 2 on the line 1 2 3 4 5: each voxel's neighbours are the
 * voxels 2 away: s = (2, 2, 0, 2, 2), p = 1/5: coarseness 5/8. force2D:
 * two voxels stacked along k are neighbours in 3D (coarseness 1) and not
 * in the plane (every s_i 0: 10^6). */
static void test_ngtdm_settings(void **state) {
    (void)state;
    const int32_t ramp[5] = {1, 2, 3, 4, 5};
    region r;
    region_make(&r, ramp, 5, 1, 1);
    set(&r, "distances", "2");
    NEAR(F(NGTDM, r, "Coarseness"), 5.0 / 8);
    region_free(&r);
    const int32_t stack[2] = {1, 2};
    region_make(&r, stack, 1, 1, 2);
    NEAR(F(NGTDM, r, "Coarseness"), 1);
    set(&r, "force2d", "true");
    NEAR(F(NGTDM, r, "Coarseness"), 1e6);
    region_free(&r);
}

/* ---- edge cases and errors ---- */

static void test_errors(void **state) {
    (void)state;
    const qib_family_def *fams[5] = {&GLCM, &GLDM, &GLRLM, &GLSZM, &NGTDM};
    region r;
    const int32_t empty[4] = {0, 0, 0, 0};
    region_make(&r, empty, 2, 2, 1);
    double v[QIB_TEX_MAX_FEATURES];
    for (int f = 0; f < 5; f++) { /* no region: every value NaN, no error */
        values(fams[f], &r, v);
        for (size_t k = 0; k < fams[f]->n_features; k++) assert_true(isnan(v[k]));
    }
    region_free(&r);
    const int32_t neg[2] = {1, -2};
    region_make(&r, neg, 2, 1, 1);
    qib_error err;
    void *ctx = NULL;
    for (int f = 0; f < 5; f++) {
        assert_int_equal(fams[f]->prepare(&r.roi, 0, &ctx, &err), QIB_ERR_NUMERIC);
        assert_string_equal(err.field, "levels");
    }
    region_free(&r);
    const int32_t ok[2] = {1, 2};
    region_make(&r, ok, 2, 1, 1);
    const char *bad[] = {"0", "a", "1,x", "65", ""};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        if (qib_settings_set(r.s, "distances", bad[b], &err) != QIB_OK) continue;
        if (!*bad[b]) continue; /* "" reads as the default */
        assert_int_equal(GLCM.prepare(&r.roi, 0, &ctx, &err), QIB_ERR_ARG);
        assert_string_equal(err.field, "distances");
    }
    region_free(&r);
}

/* ---- PyRadiomics' output on the IBSI digital phantom ---- */

/* The phantom with PyRadiomics' fixed bin width discretisation: bins from
 * floor(min / w) w, level = floor((x - low) / w) + 1. false (after a skip
 * message) when the shared data are absent. */
static bool phantom(region *r, double w) {
    char ip[1024], mp[1024];
    if (!tu_shared("ibsi/ibsi1_digital_phantom/image/phantom.nii.gz", ip, sizeof ip)) return false;
    if (!tu_shared("ibsi/ibsi1_digital_phantom/mask/mask.nii.gz", mp, sizeof mp)) return false;
    qib_volume *img = NULL, *msk = NULL;
    qib_error err;
    TU_OK(qib_image_read(ip, NULL, &img, NULL, &err), &err);
    TU_OK(qib_image_read(mp, NULL, &msk, NULL, &err), &err);
    const qib_grid *g = qib_volume_grid(img);
    size_t n = qib_grid_voxels(g);
    double low = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (qib_volume_value(msk, i) > 0.5 && qib_volume_value(img, i) < low)
            low = qib_volume_value(img, i);
    low = floor(low / w) * w;
    int32_t *lv = calloc(n, sizeof *lv);
    assert_non_null(lv);
    for (size_t i = 0; i < n; i++)
        if (qib_volume_value(msk, i) > 0.5)
            lv[i] = (int32_t)floor((qib_volume_value(img, i) - low) / w) + 1;
    region_make(r, lv, g->dim[0], g->dim[1], g->dim[2]);
    r->roi.grid = *g;
    free(lv);
    qib_volume_free(img);
    qib_volume_free(msk);
    return true;
}

/* Every texture row of a reference CSV (feature,value), against ours:
 * relative difference below 1e-9 (absolute near 0). Returns the rows
 * checked. */
static size_t check_reference(const region *r, const char *csv) {
    char path[1024];
    if (!tu_shared(csv, path, sizeof path)) return 0;
    const qib_family_def *fams[5] = {&GLCM, &GLDM, &GLRLM, &GLSZM, &NGTDM};
    double v[5][QIB_TEX_MAX_FEATURES];
    for (int f = 0; f < 5; f++) values(fams[f], r, v[f]);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[512];
    size_t checked = 0;
    while (fgets(line, sizeof line, fp)) {
        char *comma = strchr(line, ',');
        if (!comma || strncmp(line, "original_", 9)) continue;
        *comma = 0;
        for (int f = 0; f < 5; f++)
            for (size_t k = 0; k < fams[f]->n_features; k++) {
                if (strcmp(line + 9, fams[f]->features[k].info.pyradiomics)) continue;
                double ref = strtod(comma + 1, NULL);
                if (!close_to(v[f][k], ref, 1e-9))
                    fail_msg("%s %s: %.17g, PyRadiomics %.17g", csv, line, v[f][k], ref);
                checked++;
            }
    }
    fclose(fp);
    return checked;
}

static void test_phantom_reference(void **state) {
    (void)state;
    region r;
    if (!phantom(&r, 25)) skip();
    assert_int_equal(check_reference(&r, "pyradiomics-reference/ibsi_phantom_A.csv"), 75);
    region_free(&r);
    if (!phantom(&r, 1)) skip();
    assert_int_equal(check_reference(&r, "pyradiomics-reference/ibsi_phantom_A_binWidth1.csv"),
                     75);
    region_free(&r);
}

/* ---- agreement with qib's IBSI families ---- */

/* Each feature of pr with an IBSI code against the IBSI feature with that
 * code in ibsi (aggregation agg): the registry says their definitions
 * agree. Returns the features compared. */
static size_t agree(const qib_family_def *pr, const qib_family_def *ibsi, size_t agg,
                    const region *r) {
    double a[QIB_TEX_MAX_FEATURES], b[QIB_TEX_MAX_FEATURES];
    values(pr, r, a);
    values_agg(ibsi, &r->roi, agg, b);
    size_t n = 0;
    for (size_t k = 0; k < pr->n_features; k++) {
        const char *code = pr->features[k].info.ibsi_code;
        if (!*code) continue;
        size_t j = 0;
        while (j < ibsi->n_features && strcmp(ibsi->features[j].info.ibsi_code, code)) j++;
        assert_true(j < ibsi->n_features);
        if (!close_to(a[k], b[j], 1e-9))
            fail_msg("%s %s (%s): %.17g, IBSI %.17g", pr->info.name,
                     pr->features[k].info.name, code, a[k], b[j]);
        n++;
    }
    return n;
}

/* The phantom with bin width 1: 3D against IBSI's 3D averaged (GLCM,
 * GLRLM) and 3D (GLSZM, NGLDM) methods; force2D (planes of constant k)
 * against IBSI's 2.5D direction-averaged and 2.5D merged methods. */
static void test_ibsi_agreement(void **state) {
    (void)state;
    region r;
    if (!phantom(&r, 1)) skip();
    assert_int_equal(agree(&GLCM, &qib__family_glcm, QIB_TEX_3D_AVG, &r), 21);
    assert_int_equal(agree(&GLRLM, &qib__family_glrlm, QIB_TEX_3D_AVG, &r), 16);
    assert_int_equal(agree(&GLSZM, &qib__family_glszm, QIB_ZN_3D, &r), 16);
    assert_int_equal(agree(&GLDM, &qib__family_ngldm, QIB_ZN_3D, &r), 14);
    set(&r, "force2d", "true");
    assert_int_equal(agree(&GLCM, &qib__family_glcm, QIB_TEX_25D_DIR, &r), 21);
    assert_int_equal(agree(&GLRLM, &qib__family_glrlm, QIB_TEX_25D_DIR, &r), 16);
    assert_int_equal(agree(&GLSZM, &qib__family_glszm, QIB_ZN_25D, &r), 16);
    assert_int_equal(agree(&GLDM, &qib__family_ngldm, QIB_ZN_25D, &r), 14);
    region_free(&r);
}

/* ---- symmetry ---- */

/* A 7 x 6 x 5 volume of levels 1..6 with holes (a fixed generator). */
static void make_volume(int32_t *lv) {
    uint32_t x = 12345;
    for (size_t i = 0; i < 7 * 6 * 5; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t h = (x >> 16) % 10;
        lv[i] = h < 3 ? 0 : (int32_t)(h - 3) % 6 + 1;
    }
}

/* lv with axes i and k swapped (7 x 6 x 5 -> 5 x 6 x 7), or j and k
 * (-> 7 x 5 x 6). */
static void swap_axes(const int32_t *lv, int32_t *out, bool ik) {
    for (size_t k = 0; k < 5; k++)
        for (size_t j = 0; j < 6; j++)
            for (size_t i = 0; i < 7; i++) {
                size_t to = ik ? (i * 6 + j) * 5 + k : (j * 5 + k) * 7 + i;
                out[to] = lv[(k * 6 + j) * 7 + i];
            }
}

static void all_values(const region *r, double v[5][QIB_TEX_MAX_FEATURES]) {
    const qib_family_def *fams[5] = {&GLCM, &GLDM, &GLRLM, &GLSZM, &NGTDM};
    for (int f = 0; f < 5; f++) values(fams[f], r, v[f]);
}

static void same_values(double a[5][QIB_TEX_MAX_FEATURES], double b[5][QIB_TEX_MAX_FEATURES]) {
    const qib_family_def *fams[5] = {&GLCM, &GLDM, &GLRLM, &GLSZM, &NGTDM};
    for (int f = 0; f < 5; f++)
        for (size_t k = 0; k < fams[f]->n_features; k++)
            if (!close_to(a[f][k], b[f][k], 1e-11))
                fail_msg("%s %s: %.17g and %.17g", fams[f]->info.name,
                         fams[f]->features[k].info.name, a[f][k], b[f][k]);
}

/* PyRadiomics' angle sets are symmetric in the axes: swapping two axes
 * changes no value. force2D along dimension 1 (planes of constant j) of a
 * volume is force2D along dimension 0 of the volume with j and k
 * swapped; dimension 2 (constant i) likewise with i and k. */
static void test_axes(void **state) {
    (void)state;
    int32_t lv[210], sw[210];
    make_volume(lv);
    double a[5][QIB_TEX_MAX_FEATURES], b[5][QIB_TEX_MAX_FEATURES];
    region r, q;
    region_make(&r, lv, 7, 6, 5);
    all_values(&r, a);
    assert_false(isnan(a[0][0]));
    swap_axes(lv, sw, true);
    region_make(&q, sw, 5, 6, 7);
    all_values(&q, b);
    same_values(a, b);
    /* force2D dimension 2 (i planes) == dimension 0 after swapping i, k */
    set(&r, "force2d", "true");
    set(&r, "force2d_dimension", "2");
    set(&q, "force2d", "true");
    all_values(&r, a);
    all_values(&q, b);
    same_values(a, b);
    region_free(&q);
    swap_axes(lv, sw, false);
    region_make(&q, sw, 7, 5, 6);
    set(&q, "force2d", "true");
    set(&r, "force2d_dimension", "1");
    all_values(&r, a);
    all_values(&q, b);
    same_values(a, b);
    region_free(&q);
    region_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_glcm_hand),
        cmocka_unit_test(test_glcm_levels),
        cmocka_unit_test(test_glcm_weighting),
        cmocka_unit_test(test_glcm_settings),
        cmocka_unit_test(test_glrlm_hand),
        cmocka_unit_test(test_glrlm_dropped_angles),
        cmocka_unit_test(test_glrlm_weighting),
        cmocka_unit_test(test_glszm_hand),
        cmocka_unit_test(test_glszm_connectivity),
        cmocka_unit_test(test_gldm_hand),
        cmocka_unit_test(test_gldm_settings),
        cmocka_unit_test(test_ngtdm_hand),
        cmocka_unit_test(test_ngtdm_isolated),
        cmocka_unit_test(test_ngtdm_settings),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_phantom_reference),
        cmocka_unit_test(test_ibsi_agreement),
        cmocka_unit_test(test_axes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
