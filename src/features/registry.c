/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c: the list of feature families and lookups over all features. */
#include <string.h>

#include "family.h"

/* Output order. To add a family: write its file, declare it in family.h and
 * add it here. */
const qib_family_def *const qib__families[] = {
    &qib__family_diagnostics,
    &qib__family_morph,
    &qib__family_loc,
    &qib__family_stat,
    &qib__family_ih,
    &qib__family_ivh,
    &qib__family_glcm,
    &qib__family_glrlm,
    &qib__family_glszm,
    &qib__family_gldzm,
    &qib__family_ngtdm,
    &qib__family_ngldm,
    /* PyRadiomics 3.1 definitions (src/pyradiomics/), feature_definitions pyradiomics */
    &qib__family_pr_shape,
    &qib__family_pr_shape2d, /* only when named: PyRadiomics enables it by name */
    &qib__family_pr_firstorder,
    &qib__family_pr_glcm,
    &qib__family_pr_gldm,
    &qib__family_pr_glrlm,
    &qib__family_pr_glszm,
    &qib__family_pr_ngtdm,
};
const size_t qib__family_total = sizeof qib__families / sizeof qib__families[0];

const char *qib_family_column(const qib_family_info *f) { return f->column ? f->column : f->name; }

const char *qib_family_set(const qib_family_info *f) { return f->set ? f->set : "ibsi"; }

size_t qib_family_count(void) { return qib__family_total; }

const qib_family_info *qib_family_at(size_t i) {
    return i < qib__family_total ? &qib__families[i]->info : NULL;
}

const qib_family_info *qib_family_find(const char *name) {
    for (size_t i = 0; i < qib__family_total; i++)
        if (!strcmp(qib__families[i]->info.name, name)) return &qib__families[i]->info;
    return NULL;
}

size_t qib_feature_count(void) {
    size_t n = 0;
    for (size_t i = 0; i < qib__family_total; i++) n += qib__families[i]->n_features;
    return n;
}

const qib_feature_info *qib_feature_at(size_t i) {
    for (size_t f = 0; f < qib__family_total; f++) {
        if (i < qib__families[f]->n_features) return &qib__families[f]->features[i].info;
        i -= qib__families[f]->n_features;
    }
    return NULL;
}

const qib_feature_info *qib_feature_find(const char *family, const char *name) {
    for (size_t f = 0; f < qib__family_total; f++) {
        const qib_family_def *fam = qib__families[f];
        if (strcmp(fam->info.name, family)) continue;
        for (size_t k = 0; k < fam->n_features; k++)
            if (!strcmp(fam->features[k].info.name, name)) return &fam->features[k].info;
    }
    return NULL;
}
