/* SPDX-License-Identifier: Apache-2.0 */
/* percist.c: PERCIST 1.0 response of the hottest lesion between two time
 * points (Wahl RL, Jacene H, Kasamon Y, Lodge MA. From RECIST to PERCIST:
 * evolving considerations for PET response criteria in solid tumors.
 * J Nucl Med 2009;50 Suppl 1:122S-150S; Table 5 and the Appendix
 * "PERCIST 1.0"). Only the quantitative SULpeak rule is applied: new
 * lesions, non-target lesions and the visual part of a complete metabolic
 * response are for the reader. */
#include <math.h>
#include <string.h>

#include "../common/qib_internal.h"
#include "pet_internal.h"

/* Changes this close to a limit count as on it (decimal inputs such as
 * 10 -> 7 must give exactly 30 %). */
#define PERCIST_EPS 1e-9

const char *qib_percist_category_name(qib_percist_category c) {
    switch (c) {
    case QIB_PERCIST_NOT_MEASURABLE: return "not measurable";
    case QIB_PERCIST_PMR: return "PMR";
    case QIB_PERCIST_SMD: return "SMD";
    case QIB_PERCIST_PMD: return "PMD";
    }
    return "invalid";
}

/* PERCIST 1.0, Appendix 1 "measurable target lesion": the minimum
 * measurable SULpeak is 1.5 x the mean SUL of the liver (3 cm diameter
 * sphere in the normal right lobe) + 2 x its standard deviation. */
static double measurable_threshold(double liver_mean, double liver_sd) {
    return 1.5 * liver_mean + 2.0 * liver_sd;
}

/* PMR: SULpeak falls by >= 30 % and by >= 0.8 SUL units. */
static bool partial_response(double change, double relative) {
    return relative <= -0.30 + PERCIST_EPS && change <= -0.8 + PERCIST_EPS;
}

/* PMD: SULpeak rises by > 30 % and by > 0.8 SUL units. */
static bool progression(double change, double relative) {
    return relative > 0.30 + PERCIST_EPS && change > 0.8 + PERCIST_EPS;
}

static bool valid_peak(double x) { return isfinite(x) && x > 0; }
static bool valid_liver(double mean, double sd) { return isfinite(mean) && isfinite(sd) && sd >= 0; }

qib_status qib_percist_compare(const qib_percist_input *in, qib_percist_result *out,
                               qib_error *err) {
    QIB_FAIL_IF(!in || !out, err, QIB_ERR_ARG, NULL, -1, NULL, "inputs and an output are needed");
    QIB_FAIL_IF(!valid_peak(in->baseline_sulpeak), err, QIB_ERR_ARG, NULL, -1, "baseline",
                "baseline SULpeak %g is not a positive number", in->baseline_sulpeak);
    QIB_FAIL_IF(!valid_peak(in->followup_sulpeak), err, QIB_ERR_ARG, NULL, -1, "followup",
                "follow-up SULpeak %g is not a positive number", in->followup_sulpeak);
    QIB_FAIL_IF(in->has_liver && !valid_liver(in->liver_mean, in->liver_sd), err, QIB_ERR_ARG,
                NULL, -1, "liver", "baseline liver SUL mean %g / SD %g are not valid",
                in->liver_mean, in->liver_sd);
    QIB_FAIL_IF(in->has_followup_liver &&
                    !valid_liver(in->followup_liver_mean, in->followup_liver_sd),
                err, QIB_ERR_ARG, NULL, -1, "followup_liver",
                "follow-up liver SUL mean %g / SD %g are not valid", in->followup_liver_mean,
                in->followup_liver_sd);
    qib_percist_result r;
    memset(&r, 0, sizeof r);
    r.change = in->followup_sulpeak - in->baseline_sulpeak;
    r.relative_change = r.change / in->baseline_sulpeak;
    r.threshold = r.followup_threshold = NAN;
    r.measurable = 1;
    r.followup_below_liver = -1;
    if (in->has_liver) {
        r.threshold = measurable_threshold(in->liver_mean, in->liver_sd);
        r.measurable = in->baseline_sulpeak >= r.threshold - PERCIST_EPS;
    }
    if (in->has_followup_liver) {
        r.followup_threshold = measurable_threshold(in->followup_liver_mean, in->followup_liver_sd);
        r.followup_below_liver = in->followup_sulpeak < in->followup_liver_mean;
    }
    if (!r.measurable) r.category = QIB_PERCIST_NOT_MEASURABLE;
    else if (partial_response(r.change, r.relative_change)) r.category = QIB_PERCIST_PMR;
    else if (progression(r.change, r.relative_change)) r.category = QIB_PERCIST_PMD;
    else r.category = QIB_PERCIST_SMD;
    *out = r;
    return QIB_OK;
}
