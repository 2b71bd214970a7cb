/* SPDX-License-Identifier: Apache-2.0 */
/* pet_internal.h: what the files of src/pet share (folder-private). */
#ifndef QIB_PET_INTERNAL_H
#define QIB_PET_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "qib/pet.h"

/* A date and time of day on one clock: days since 1970-01-01 and seconds
 * since midnight (0 <= sec < 86401: a leap second is allowed). Kept apart
 * so that differences keep the microseconds of the DICOM values. */
typedef struct qib__pet_time {
    int64_t day;
    double sec;
} qib__pet_time;

/* Days from 1970-01-01 to year-month-day of the proleptic Gregorian
 * calendar. */
int64_t qib__pet_days_from_civil(int64_t y, int m, int d);

/* DA (PS3.5 6.2): "YYYYMMDD" (or the ACR-NEMA form "YYYY.MM.DD"), a real
 * calendar date. */
bool qib__pet_parse_da(const char *s, int64_t *day);
/* TM: "HH", "HHMM", "HHMMSS", "HHMMSS.F" up to 6 fraction digits (or the
 * ACR-NEMA form "HH:MM:SS.F"); HH < 24, MM < 60, SS < 61. */
bool qib__pet_parse_tm(const char *s, double *sec);
/* DT: "YYYYMMDDHHMM[SS[.F]]" optionally followed by "+HHMM"/"-HHMM" (the
 * hours and minutes are required here: a date alone is no time of
 * injection). *offset_min gets the UTC offset in minutes when *has_offset. */
bool qib__pet_parse_dt(const char *s, qib__pet_time *t, bool *has_offset, int *offset_min);
/* Timezone Offset From UTC: "+HHMM" or "-HHMM" into minutes. */
bool qib__pet_parse_offset(const char *s, int *offset_min);

/* a - b in seconds. */
double qib__pet_time_diff(const qib__pet_time *a, const qib__pet_time *b);
/* Moves t by `minutes` (may be negative), keeping 0 <= sec < 86400. */
void qib__pet_time_add_minutes(qib__pet_time *t, int minutes);
/* "YYYY-MM-DDTHH:MM:SS.ffffff" into buf (n >= 32). */
void qib__pet_time_format(const qib__pet_time *t, char *buf, size_t n);

#endif
