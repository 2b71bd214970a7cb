/* SPDX-License-Identifier: Apache-2.0 */
/* qib/adc.h: apparent diffusion coefficient (ADC) from diffusion-weighted MRI.
 *
 * A DWI acquisition is a 4D volume (one 3D frame per diffusion weighting)
 * and one b-value per frame, in s/mm^2. qib fits the mono-exponential model
 *     S(b) = S0 * exp(-b * ADC)
 * in every voxel by linear least squares on ln S (QIBA DWI profile, "ADC
 * computation"). Frames that share a b-value (e.g. three orthogonal
 * diffusion directions) are first combined by the mean of their ln S, i.e.
 * their geometric mean: the trace-weighted image the QIBA profile fits. The
 * ADC map is written in units of 10^-3 mm^2/s (a value of 1.0 means
 * 1.0e-3 mm^2/s).
 *
 * A voxel whose signal is zero, negative or not finite in any frame has no
 * logarithm: it is not fitted, its ADC is written as 0 and it is flagged
 * (QIB_ADC_FLAG_NONPOSITIVE), so no NaN ever reaches an output. Region
 * statistics leave flagged voxels out and count them.
 *
 * b-values come from a list (qib_bvalues_parse: FSL .bval files, one value
 * per line, or comma lists) or from DICOM (qib_dicom_bvalue: the standard
 * Diffusion b-value (0018,9087), else the Siemens, GE and Philips private
 * elements). qib_dwi_load_dicom groups a DICOM DWI series, which holds one
 * image per slice and b-value (and direction), into a 4D volume. */
#ifndef QIB_ADC_H
#define QIB_ADC_H

#include "dicom.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flag values of the flag map (uint8, one per voxel). Values are stable. */
#define QIB_ADC_FLAG_OK 0u          /* fitted */
#define QIB_ADC_FLAG_NONPOSITIVE 1u /* a signal <= 0, NaN or infinite: ADC written as 0 */

/* Most b-values a list or a series may hold, and the largest b-value
 * accepted (s/mm^2; clinical scanners reach about 10^4, research ones
 * 3 x 10^4): larger numbers are taken for a mistake, not a b-value. */
#define QIB_BVALUES_MAX 65536u
#define QIB_BVALUE_MAX 1e6

/* Parses a b-value list: numbers separated by commas and/or white space
 * (spaces, tabs, line ends), so an FSL .bval file (one line, space
 * separated), one value per line and "0,500,1000" all work. Each value must
 * be a decimal number from 0 to QIB_BVALUE_MAX (s/mm^2). text need not be NUL-terminated;
 * name is used in messages. *out (free() it) gets *n values. Errors:
 * QIB_ERR_FORMAT naming the value's position (1-based) and byte offset,
 * QIB_ERR_ARG for an empty list, QIB_ERR_LIMIT above QIB_BVALUES_MAX. */
QIB_API qib_status qib_bvalues_parse(const char *text, size_t len, const char *name,
                                     double **out, size_t *n, qib_error *err);

/* b-values from a command-line argument: the file it names when one exists
 * (read whole, at most 16 MiB), else the argument itself as a list. */
QIB_API qib_status qib_bvalues_load(const char *arg, double **out, size_t *n, qib_error *err);

/* Where a DICOM b-value came from. */
typedef enum qib_bvalue_source {
    QIB_BVALUE_NONE = 0,
    QIB_BVALUE_STANDARD = 1, /* Diffusion b-value (0018,9087), top level or MR Diffusion
                                Sequence (0018,9117), per-frame or shared functional groups */
    QIB_BVALUE_SIEMENS = 2,  /* (0019,xx0C) of private creator "SIEMENS MR HEADER" */
    QIB_BVALUE_GE = 3,       /* (0043,xx39) of "GEMS_PARM_01", first value, 10^9 bias removed */
    QIB_BVALUE_PHILIPS = 4   /* (2001,xx03) of "Philips Imaging DD 001" */
} qib_bvalue_source;

/* "standard", "Siemens", "GE", "Philips" or "none". */
QIB_API const char *qib_bvalue_source_name(qib_bvalue_source s);

/* The b-value (s/mm^2) of frame `frame` (0-based; 0 for single-frame
 * images) of a DICOM image, trying in order the standard attribute (frame's
 * functional groups, then the top level) and the Siemens, GE and Philips
 * private elements. Private elements are found through their private
 * creator (PS3.5 section 7.8.1), so a creator reserved in another block
 * (e.g. (0043,10xx) or (0043,A0xx)) is still found. src may be NULL.
 * QIB_ERR_NOT_FOUND when no source holds a b-value, QIB_ERR_FORMAT when
 * one holds a value that is not a number from 0 to QIB_BVALUE_MAX (the tag
 * is named). */
QIB_API qib_status qib_dicom_bvalue(const qib_dicom *d, uint32_t frame, double *b,
                                    qib_bvalue_source *src, qib_error *err);

/* A DWI series from DICOM: path is a folder (one series, or series_uid)
 * or one file (an enhanced multi-frame image). Every image gets its
 * b-value (qib_dicom_bvalue); derived maps in the series (Image Type
 * holding ADC, EADC, FA or CALC_BV) are skipped with a warning. Images are
 * grouped by b-value, then by slice position along the normal of Image
 * Orientation (Patient); each b-value must have the same number m of
 * images at every position (m directions), and all b-values the same
 * positions. The result is a float32 4D volume (rescale applied) with one
 * frame per (b-value, direction), b-values ascending, directions in
 * Instance Number order; *bvalues (free() it) has *frames entries.
 * Errors name the file and tag: mixed orientation or size, uneven slice
 * spacing, a position missing for one b-value, no b-value. */
QIB_API qib_status qib_dwi_load_dicom(const char *path, const char *series_uid,
                                      qib_volume **dwi, double **bvalues, size_t *frames,
                                      qib_dicom_warnings *warn, qib_error *err);

/* Fits ADC in every voxel of dwi (a 4D volume with n frames, any voxel
 * type) for the b-values bvalues[0..n-1] (s/mm^2, one per frame, 0 to
 * QIB_BVALUE_MAX). There must be at least two distinct b-values, at least
 * 1 s/mm^2 apart (QIB_ERR_ARG otherwise, and when n differs from the frame
 * count), so every fitted value is finite. *adc gets a float32 3D volume on dwi's
 * grid in 10^-3 mm^2/s; *flags (may be NULL) a uint8 volume of QIB_ADC_FLAG_*
 * values. *flagged (may be NULL) gets the number of flagged voxels. */
QIB_API qib_status qib_adc_fit(const qib_volume *dwi, const double *bvalues, size_t n,
                               qib_volume **adc, qib_volume **flags, size_t *flagged,
                               qib_error *err);

/* Statistics of an ADC map in a region, in 10^-3 mm^2/s. */
typedef struct qib_adc_stats {
    size_t voxels;          /* voxels of the region */
    size_t flagged;         /* of which flagged (left out of everything below) */
    size_t used;            /* voxels - flagged */
    double mean;            /* compensated (Neumaier) sum / used */
    double sd;              /* population standard deviation (divisor used) */
    double min, max;
    double median;          /* = 50th percentile */
    double p10, p25, p75, p90; /* percentiles, linear interpolation between order
                                  statistics (Hyndman-Fan type 7, numpy's default) */
    double threshold;       /* as given */
    size_t below;           /* used voxels with ADC < threshold (strictly) */
    double fraction_below;  /* below / used */
} qib_adc_stats;

/* Statistics of adc (3D, first frame used) over the voxels of region (NULL:
 * every voxel) that flags (NULL: none) does not flag. region and flags must
 * be on adc's grid (QIB_ERR_GRID_MISMATCH). threshold in 10^-3 mm^2/s
 * (QIB_ERR_ARG when not finite). QIB_ERR_EMPTY_ROI when no voxel is left:
 * the reason says how many were flagged. */
QIB_API qib_status qib_adc_stats_compute(const qib_volume *adc, const qib_volume *flags,
                                         const qib_mask *region, double threshold,
                                         qib_adc_stats *out, qib_error *err);

/* Percentile p (0..100) of n sorted values, type 7: h = (n-1) p / 100,
 * x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). n >= 1. */
QIB_API double qib_percentile_sorted(const double *sorted, size_t n, double p);

#ifdef __cplusplus
}
#endif
#endif
