/* SPDX-License-Identifier: Apache-2.0 */
/* qib/pet.h: PET standardised uptake values and the PET metrics of a region.
 *
 * SUV from the DICOM header follows the vendor-neutral rules of the QIBA
 * FDG-PET/CT Profile (version 1.13, Appendix G, "Vendor-neutral pseudo-codes
 * for SUV calculation"):
 *
 *   SUV = (stored value x Rescale Slope + Rescale Intercept) x factor
 *
 * where the factor of body-weight SUV (bw) is W / D(t): W the patient's
 * weight in g, D(t) = D0 x 2^(-t / T1/2) the injected dose decayed to the
 * time the pixel values refer to. Lean-body-mass SUV (SUL, "lbm") uses the
 * Janmahasatian (2005) lean body mass instead of W, body-surface-area SUV
 * ("bsa") the Du Bois (1916) body surface area in cm^2. Units BQML, CNTS
 * (Philips private scale factors) and GML are handled; decay correction
 * START, ADMIN and NONE. docs/BIOMARKERS.md lists every rule and every
 * error message.
 *
 * Nothing is ever assumed: when a value needed for a factor is missing or
 * does not fit the others, the factor fails with QIB_ERR_FORMAT (or
 * QIB_ERR_UNSUPPORTED), err->field naming the tag ("(0010,1030)") and
 * err->file the DICOM file. Missing values are not errors when reading a
 * header, only when a factor needs them (a body-weight SUV does not need
 * the patient's height).
 *
 * Region metrics (SUVmax, SUVmean, SUVpeak, MTV, TLG) and the PERCIST 1.0
 * comparison of two time points work on an SUV (or SUL) volume. */
#ifndef QIB_PET_H
#define QIB_PET_H

#include "load.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- SUV types ---- */

typedef enum qib_suv_type {
    QIB_SUV_BW = 0,  /* body weight: g/ml */
    QIB_SUV_LBM = 1, /* lean body mass (SUL, Janmahasatian): g/ml */
    QIB_SUV_BSA = 2  /* body surface area (Du Bois): cm2/ml */
} qib_suv_type;
#define QIB_SUV_TYPES 3

/* "bw", "lbm", "bsa" ("invalid" otherwise). */
QIB_API const char *qib_suv_type_name(qib_suv_type t);
/* The unit of the SUV values: "g/ml", "g/ml", "cm2/ml" (DICOM CID 85). */
QIB_API const char *qib_suv_type_unit(qib_suv_type t);
/* Parses "bw", "lbm" (or "sul") and "bsa"; QIB_ERR_ARG otherwise. */
QIB_API qib_status qib_suv_type_parse(const char *text, qib_suv_type *out, qib_error *err);

/* Janmahasatian et al., Clin Pharmacokinet 44(10):1051-65, 2005: lean body
 * mass in kg, BMI = W / H^2,
 *   male:   LBM = 9270 W / (6680 + 216 BMI)
 *   female: LBM = 9270 W / (8780 + 244 BMI).
 * weight in kg, height in m, female 1 or 0. NaN for non-positive inputs. */
QIB_API double qib_lbm_janmahasatian(double weight_kg, double height_m, int female);
/* Du Bois & Du Bois, Arch Intern Med 17:863-71, 1916: body surface area in
 * m^2 = 0.007184 W^0.425 (100 H)^0.725 (W in kg, H in m). NaN for
 * non-positive inputs. */
QIB_API double qib_bsa_dubois(double weight_kg, double height_m);

/* ---- the header values an SUV factor may use ---- */

typedef enum qib_suv_field {
    QIB_SUVF_MODALITY = 0,            /* (0008,0060) Modality: PT */
    QIB_SUVF_SOP_CLASS,               /* (0008,0016) SOPClassUID */
    QIB_SUVF_UNITS,                   /* (0054,1001) Units: BQML, CNTS, GML */
    QIB_SUVF_DECAY_CORRECTION,        /* (0054,1102) DecayCorrection: START, ADMIN, NONE */
    QIB_SUVF_CORRECTED_IMAGE,         /* (0028,0051) CorrectedImage: ATTN, DECY, ... */
    QIB_SUVF_SERIES_DATE,             /* (0008,0021) SeriesDate */
    QIB_SUVF_SERIES_TIME,             /* (0008,0031) SeriesTime */
    QIB_SUVF_ACQUISITION_DATE,        /* (0008,0022) AcquisitionDate */
    QIB_SUVF_ACQUISITION_TIME,        /* (0008,0032) AcquisitionTime */
    QIB_SUVF_TIMEZONE_OFFSET,         /* (0008,0201) TimezoneOffsetFromUTC */
    QIB_SUVF_START_TIME,              /* (0054,0016) item 1 > (0018,1072) RadiopharmaceuticalStartTime */
    QIB_SUVF_START_DATETIME,          /* (0054,0016) item 1 > (0018,1078) RadiopharmaceuticalStartDateTime */
    QIB_SUVF_TOTAL_DOSE,              /* (0054,0016) item 1 > (0018,1074) RadionuclideTotalDose, Bq */
    QIB_SUVF_HALF_LIFE,               /* (0054,0016) item 1 > (0018,1075) RadionuclideHalfLife, s */
    QIB_SUVF_WEIGHT,                  /* (0010,1030) PatientWeight, kg */
    QIB_SUVF_SIZE,                    /* (0010,1020) PatientSize, m */
    QIB_SUVF_SEX,                     /* (0010,0040) PatientSex: M, F */
    QIB_SUVF_RESCALE_SLOPE,           /* (0028,1053) RescaleSlope */
    QIB_SUVF_RESCALE_INTERCEPT,       /* (0028,1052) RescaleIntercept */
    QIB_SUVF_PHILIPS_SUV_FACTOR,      /* (7053,xx00) "Philips PET Private Group": SUV scale factor */
    QIB_SUVF_PHILIPS_ACTIVITY_FACTOR, /* (7053,xx09) same creator: activity concentration scale factor */
    QIB_SUVF_GE_SCAN_DATETIME,        /* (0009,xx0D) "GEMS_PETD_01": scan date and time */
    QIB_SUVF_MANUFACTURER,            /* (0008,0070) Manufacturer (reported, never used) */
    QIB_SUVF_COUNT
} qib_suv_field;

/* One header value as read. */
typedef struct qib_suv_value {
    int present;    /* the element is there with a non-empty value */
    uint32_t tag;   /* the tag it was read from (private tags: with their block) */
    char text[68];  /* the value as UTF-8 text, padding trimmed, values joined by '\' */
    size_t vm;      /* number of values */
    int numeric;    /* the value is exactly one valid number (DS/IS text or binary) */
    double number;  /* that number when numeric */
} qib_suv_value;

/* The SUV-related header of one image (one DICOM file). */
typedef struct qib_suv_header {
    char file[QIB_ERROR_PATH_MAX]; /* the file's name, for messages */
    char series_uid[65];
    uint32_t frames;               /* Number of Frames (1 when absent) */
    int has_position;              /* Image Position (Patient) was read */
    double position[3];
    size_t radiopharmaceuticals;   /* items of the Radiopharmaceutical Information Sequence */
    qib_suv_value v[QIB_SUVF_COUNT];
} qib_suv_header;

/* "PatientWeight", ... for a field; "" when out of range. */
QIB_API const char *qib_suv_field_keyword(qib_suv_field f);
/* Where a field lives, e.g. "(0010,1030)", "(0054,0016)>(0018,1074)",
 * "(7053,1000)" (the tag actually read when present, else the usual
 * block 0x10), into buf (n >= 32). Returns buf. */
QIB_API const char *qib_suv_field_tag(const qib_suv_header *h, qib_suv_field f, char *buf,
                                      size_t n);

/* Reads the SUV-related values of a parsed file (header_only is enough).
 * Never fails on missing or malformed values: those are reported when a
 * factor needs them. Private values are found through their private
 * creator (PS3.5 7.8.1), whichever block it reserved. Fails only for NULL
 * arguments (QIB_ERR_ARG) or memory (QIB_ERR_NOMEM). */
QIB_API qib_status qib_suv_header_read(const qib_dicom *d, qib_suv_header *out, qib_error *err);

/* ---- SUV factors ---- */

/* Where the factor's activity concentration came from. */
typedef enum qib_suv_units_rule {
    QIB_SUV_UNITS_BQML = 0,         /* Units BQML: pixels are Bq/ml */
    QIB_SUV_UNITS_PHILIPS_SUV = 1,  /* Units CNTS: Philips SUV scale factor (7053,1000) */
    QIB_SUV_UNITS_PHILIPS_BQML = 2, /* Units CNTS: pixels x (7053,1009) are Bq/ml */
    QIB_SUV_UNITS_GML = 3           /* Units GML: pixels are already body-weight SUV */
} qib_suv_units_rule;

/* Which time the injected dose was decayed to. */
typedef enum qib_suv_time_rule {
    QIB_SUV_TIME_NONE = 0,          /* no decay: ADMIN, GML or the Philips SUV factor */
    QIB_SUV_TIME_SERIES = 1,        /* START: Series Date/Time, not after the earliest acquisition */
    QIB_SUV_TIME_GE_PRIVATE = 2,    /* START: Series Time is later: GE private scan date/time */
    QIB_SUV_TIME_EARLIEST_ACQ = 3,  /* START: Series Time is later: earliest Acquisition Date/Time */
    QIB_SUV_TIME_ACQUISITION = 4    /* NONE: each image's own Acquisition Date/Time */
} qib_suv_time_rule;

QIB_API const char *qib_suv_units_rule_name(qib_suv_units_rule r);
QIB_API const char *qib_suv_time_rule_name(qib_suv_time_rule r);

/* How a factor was worked out (for one image), every intermediate value.
 * Values that the rule did not need are NaN (numbers) or "" (text). */
typedef struct qib_suv_result {
    qib_suv_type type;
    double factor;                /* SUV = (stored x slope + intercept) x factor */
    qib_suv_units_rule units_rule;
    qib_suv_time_rule time_rule;
    char decay_reference[32];     /* the time D0 was decayed to, "YYYY-MM-DDTHH:MM:SS.ffffff" */
    char injection[32];           /* the injection (radiopharmaceutical start) date and time */
    int injection_day_before;     /* only a start time (TM) was given and it is later in the
                                     day than the reference: the injection was taken on the
                                     day before (QIBA: "consider spanning midnight") */
    double decay_time;            /* s from injection to the reference */
    double decay_factor;          /* 2^(-decay_time / half-life) */
    double decayed_dose;          /* Bq */
    double weight_kg, height_m, bmi, lbm_kg, bsa_m2;
    double normaliser;            /* g (weight, LBM) or cm^2 (BSA) */
    double scale;                 /* (7053,1000) or (7053,1009) when used, else NaN */
    uint64_t used;                /* bit f set: field f was used */
} qib_suv_result;

/* The factors of the n images of one series (h[0..n-1], any order).
 * Series-level values (Modality, Units, DecayCorrection, CorrectedImage,
 * Series Date/Time, the radiopharmaceutical, weight, size and sex) must be
 * equal in every image; per-image values (Acquisition Date/Time, the
 * Philips scale factors, Rescale Slope) may differ. For DecayCorrection
 * START the reference time is the Series Date/Time when it is not after
 * the earliest Acquisition Date/Time of the n images, else the GE private
 * scan date/time when present, else that earliest acquisition (QIBA
 * Appendix G). factors[i] (n entries) gets image i's factor; res (may be
 * NULL) gets the details of image 0. On failure nothing is written to
 * factors. */
QIB_API qib_status qib_suv_series_factors(const qib_suv_header *h, size_t n, qib_suv_type t,
                                          double *factors, qib_suv_result *res, qib_error *err);

/* The factor of one image taken alone (its own acquisition time is the
 * earliest): qib_suv_series_factors with n = 1. */
QIB_API qib_status qib_suv_factor(const qib_suv_header *h, qib_suv_type t, qib_suv_result *res,
                                  qib_error *err);

/* ---- series and volumes ---- */

/* Reads the headers of the images that qib_dicom_load_series(path, opt)
 * loads: path is a folder (its DICOM files with pixel data of series
 * opt->series_uid, or of its only series; sub-folders when opt->recursive)
 * or one file. Files that do not parse are skipped, as the loader skips
 * them. With grid (the loaded volume's), header k is the image on slice k
 * (placed by Image Position (Patient)) and *count == grid->dim[2]; every
 * slice must have exactly one image (QIB_ERR_FORMAT otherwise). Without
 * grid, headers are in file name order. Multi-frame files are refused
 * (QIB_ERR_UNSUPPORTED). *out: free() it. opt NULL: defaults. */
QIB_API qib_status qib_suv_read_series(const char *path, const qib_dicom_series_options *opt,
                                       const qib_grid *grid, qib_suv_header **out,
                                       size_t *count, qib_error *err);

/* A float32 copy of v (one frame) with slice k multiplied by factors[k]
 * (grid dim[2] entries). */
QIB_API qib_status qib_suv_apply(const qib_volume *v, const double *factors, qib_volume **out,
                                 qib_error *err);

/* SUV volume of a loaded DICOM PET image: image is what
 * qib_load_case_image(path, opt) returned; path must be that DICOM folder
 * or file (an image file has no PET header: QIB_ERR_ARG). res (may be
 * NULL) gets slice 0's details; factor_min/max (may be NULL) the range of
 * the slice factors. */
QIB_API qib_status qib_suv_convert(const char *path, const qib_load_options *opt,
                                   const qib_volume *image, qib_suv_type t, qib_volume **out,
                                   qib_suv_result *res, double *factor_min, double *factor_max,
                                   qib_error *err);

/* ---- region metrics ---- */

/* Radius of a sphere of volume v ml, in mm: 10 (3 v / (4 pi))^(1/3). */
QIB_API double qib_pet_sphere_radius_mm(double volume_ml);

typedef struct qib_pet_options {
    double threshold;  /* MTV/TLG absolute threshold, SUV (default 2.5) */
    double fraction;   /* MTV/TLG relative threshold, fraction of SUVmax (default 0.41) */
    double peak_ml;    /* volume of the SUVpeak sphere, ml (default 1) */
} qib_pet_options;

QIB_API void qib_pet_options_default(qib_pet_options *o);

/* PET metrics of a region. "SUV" stands for whatever the volume holds
 * (SUV, SUL, SUVbsa). Volumes in ml (1 ml = 1000 mm^3). */
typedef struct qib_pet_metrics {
    size_t voxels;          /* voxels of the region */
    double voxel_ml;        /* volume of one voxel */
    double volume_ml;       /* voxels x voxel_ml */
    double suv_max, suv_min, suv_mean;
    double suv_sd;          /* sample standard deviation (n - 1); 0 for one voxel */
    /* SUVpeak: the highest mean over the voxels whose centres lie within
     * peak_radius_mm of a sphere centre; the centre may be any voxel centre
     * of the region whose sphere lies wholly inside the image (the sphere
     * reaches beyond the region). NaN, with peak_voxels 0, when no region
     * voxel has room for a whole sphere. */
    double suv_peak;
    double peak_radius_mm;
    size_t peak_voxels;     /* voxels averaged for SUVpeak */
    size_t peak_index[3];   /* voxel (i, j, k) of its centre */
    double peak_centre[3];  /* that centre in LPS mm */
    /* region voxels with SUV >= threshold */
    double threshold_abs;
    size_t voxels_abs;
    double mtv_abs_ml, tlg_abs, suv_mean_abs; /* suv_mean_abs NaN when no voxel */
    /* region voxels with SUV >= fraction x SUVmax */
    double fraction, threshold_rel;
    size_t voxels_rel;
    double mtv_rel_ml, tlg_rel, suv_mean_rel;
} qib_pet_metrics;

/* Metrics of region on suv (one frame; the grids must match). Fails with
 * QIB_ERR_EMPTY_ROI for an empty region, QIB_ERR_GRID_MISMATCH,
 * QIB_ERR_NUMERIC when a region voxel is not finite, QIB_ERR_ARG for
 * options out of range (threshold not finite, fraction outside (0, 1],
 * peak_ml <= 0). */
QIB_API qib_status qib_pet_region_metrics(const qib_volume *suv, const qib_mask *region,
                                          const qib_pet_options *opt, qib_pet_metrics *out,
                                          qib_error *err);

/* ---- PERCIST 1.0 (Wahl et al., J Nucl Med 50 Suppl 1:122S-150S, 2009) ---- */

typedef enum qib_percist_category {
    QIB_PERCIST_NOT_MEASURABLE = 0, /* baseline SULpeak below the liver threshold */
    QIB_PERCIST_PMR = 1,            /* partial metabolic response */
    QIB_PERCIST_SMD = 2,            /* stable metabolic disease */
    QIB_PERCIST_PMD = 3             /* progressive metabolic disease */
} qib_percist_category;

/* "not measurable", "PMR", "SMD", "PMD". */
QIB_API const char *qib_percist_category_name(qib_percist_category c);

typedef struct qib_percist_input {
    double baseline_sulpeak;  /* SULpeak of the hottest lesion at baseline */
    double followup_sulpeak;  /* SULpeak of the hottest lesion at follow-up (any lesion) */
    int has_liver;            /* the baseline liver reference is given */
    double liver_mean, liver_sd;  /* baseline liver SUL mean and SD (3 cm sphere, right lobe) */
    int has_followup_liver;
    double followup_liver_mean, followup_liver_sd;
} qib_percist_input;

typedef struct qib_percist_result {
    double change;            /* follow-up - baseline SULpeak */
    double relative_change;   /* change / baseline */
    double threshold;         /* 1.5 x liver mean + 2 x liver SD (NaN without liver) */
    int measurable;           /* baseline SULpeak >= threshold (1 when not checked) */
    double followup_threshold; /* same from the follow-up liver (NaN without) */
    int followup_below_liver; /* follow-up SULpeak < follow-up liver mean: a complete
                                 metabolic response candidate (-1 when unknown) */
    qib_percist_category category;
} qib_percist_result;

/* PERCIST 1.0 response of the hottest lesion (Wahl 2009, Table 5 and
 * Appendix): PMR when SULpeak falls by >= 30 % and by >= 0.8 SUL units,
 * PMD when it rises by > 30 % and by > 0.8 SUL units, SMD otherwise; with
 * the baseline liver, a baseline SULpeak below 1.5 x mean + 2 x SD is not
 * measurable. Changes within 1e-9 of a limit count as on it. QIB_ERR_ARG for
 * SULpeaks that are not finite and > 0 or liver values not finite (SD < 0). */
QIB_API qib_status qib_percist_compare(const qib_percist_input *in, qib_percist_result *out,
                                       qib_error *err);

#ifdef __cplusplus
}
#endif
#endif
