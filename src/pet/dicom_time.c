/* SPDX-License-Identifier: Apache-2.0 */
/* dicom_time.c: DICOM dates and times (DA, TM, DT; PS3.5 6.2 and its
 * retired ACR-NEMA forms) on one clock, for decay times. Each parser accepts
 * exactly the forms listed in pet_internal.h and refuses anything else
 * (letters, missing digits, 31 February, 25 o'clock): a time that cannot
 * be read is an error, never a guess. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pet_internal.h"

/* Howard Hinnant's days_from_civil algorithm ("chrono-Compatible Low-Level
 * Date Algorithms"): eras of 400 years of 146097 days, the year taken to
 * start in March so that the leap day is the last day of a year. */
int64_t qib__pet_days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                          /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int64_t y, int m) {
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : dm[m - 1];
}

/* n decimal digits at s into *v; false unless all are digits. */
static bool digits(const char *s, int n, int64_t *v) {
    int64_t x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

static bool make_day(int64_t y, int64_t m, int64_t d, int64_t *day) {
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, (int)m)) return false;
    *day = qib__pet_days_from_civil(y, (int)m, (int)d);
    return true;
}

bool qib__pet_parse_da(const char *s, int64_t *day) {
    int64_t y, m, d;
    size_t n = strlen(s);
    if (n == 8 && digits(s, 4, &y) && digits(s + 4, 2, &m) && digits(s + 6, 2, &d))
        return make_day(y, m, d, day);
    if (n == 10 && s[4] == '.' && s[7] == '.' && digits(s, 4, &y) && digits(s + 5, 2, &m) &&
        digits(s + 8, 2, &d))
        return make_day(y, m, d, day);
    return false;
}

/* Fraction ".F" (1 to 6 digits) at s: its value in seconds, *len its
 * length; true with 0 when s holds no '.'. */
static bool fraction(const char *s, double *f, size_t *len) {
    *f = 0;
    *len = 0;
    if (s[0] != '.') return true;
    size_t i = 1;
    double scale = 0.1, x = 0;
    while (s[i] >= '0' && s[i] <= '9' && i <= 6) {
        x += (s[i] - '0') * scale;
        scale /= 10;
        i++;
    }
    if (i == 1) return false;
    *f = x;
    *len = i;
    return true;
}

/* Hours, minutes, seconds (each may be absent from the right) and the
 * fraction of a TM at s, stopping at the first character that cannot
 * continue it; *used gets how many characters were read. */
static bool tm_prefix(const char *s, bool colons, double *sec, size_t *used) {
    int64_t hh, mm = 0, ss = 0;
    size_t i = 0;
    if (!digits(s, 2, &hh)) return false;
    i = 2;
    bool have_ss = false;
    if (colons ? s[i] == ':' : (s[i] >= '0' && s[i] <= '9')) {
        i += colons;
        if (!digits(s + i, 2, &mm)) return false;
        i += 2;
        if (colons ? s[i] == ':' : (s[i] >= '0' && s[i] <= '9')) {
            i += colons;
            if (!digits(s + i, 2, &ss)) return false;
            i += 2;
            have_ss = true;
        }
    }
    double f = 0;
    size_t fl = 0;
    if (have_ss && !fraction(s + i, &f, &fl)) return false;
    i += fl;
    if (hh > 23 || mm > 59 || ss > 60) return false;
    *sec = (double)(hh * 3600 + mm * 60 + ss) + f;
    *used = i;
    return true;
}

bool qib__pet_parse_tm(const char *s, double *sec) {
    size_t used;
    bool colons = strlen(s) > 2 && s[2] == ':';
    return tm_prefix(s, colons, sec, &used) && s[used] == '\0';
}

bool qib__pet_parse_offset(const char *s, int *offset_min) {
    int64_t hh, mm;
    if ((s[0] != '+' && s[0] != '-') || strlen(s) != 5 || !digits(s + 1, 2, &hh) ||
        !digits(s + 3, 2, &mm) || hh > 14 || mm > 59)
        return false;
    *offset_min = (int)((hh * 60 + mm) * (s[0] == '-' ? -1 : 1));
    return true;
}

bool qib__pet_parse_dt(const char *s, qib__pet_time *t, bool *has_offset, int *offset_min) {
    int64_t y, m, d, day;
    if (strlen(s) < 12 || !digits(s, 4, &y) || !digits(s + 4, 2, &m) || !digits(s + 6, 2, &d) ||
        !make_day(y, m, d, &day))
        return false;
    double sec;
    size_t used;
    /* the time part needs hours and minutes */
    if (s[10] < '0' || s[10] > '9' || !tm_prefix(s + 8, false, &sec, &used)) return false;
    const char *rest = s + 8 + used;
    *has_offset = false;
    *offset_min = 0;
    if (*rest) {
        if (!qib__pet_parse_offset(rest, offset_min)) return false;
        *has_offset = true;
    }
    t->day = day;
    t->sec = sec;
    return true;
}

double qib__pet_time_diff(const qib__pet_time *a, const qib__pet_time *b) {
    return (double)(a->day - b->day) * 86400.0 + (a->sec - b->sec);
}

void qib__pet_time_add_minutes(qib__pet_time *t, int minutes) {
    t->sec += 60.0 * minutes;
    while (t->sec < 0) {
        t->sec += 86400.0;
        t->day--;
    }
    while (t->sec >= 86400.0) {
        t->sec -= 86400.0;
        t->day++;
    }
}

/* civil_from_days, the inverse of days_from_civil (same source). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

void qib__pet_time_format(const qib__pet_time *t, char *buf, size_t n) {
    int64_t y;
    int m, d;
    civil_from_days(t->day, &y, &m, &d);
    long long us = llround(t->sec * 1e6);
    long long s = us / 1000000;
    snprintf(buf, n, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%06lld", (long long)y, m, d, s / 3600,
             s / 60 % 60, s % 60, us % 1000000);
}
