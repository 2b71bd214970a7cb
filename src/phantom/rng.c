/* SPDX-License-Identifier: Apache-2.0 */
/* rng.c: portable, bit-reproducible uniform and normal random numbers.
 *
 * Reproducibility rests on three things: integer generators (exact by
 * construction); IEEE-754 double arithmetic evaluated in double
 * (FLT_EVAL_METHOD 0, every 64-bit target; checked below) with no fused
 * multiply-add contraction (the pragma below for clang; gcc does not contract
 * in the ISO C mode the build uses, -std=c11); and libm calls whose results
 * are exactly specified: frexp, and sqrt (correctly rounded by IEEE-754).
 * log() is not, so qib__rng_log computes it from a fixed series. */
#include <float.h>
#include <math.h>

#include "rng.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif
#if FLT_EVAL_METHOD != 0 && FLT_EVAL_METHOD != 16 /* 16: only _Float16 is widened */
#error "qib's phantom needs doubles evaluated as doubles (FLT_EVAL_METHOD 0: SSE2, any 64-bit target) to be reproducible"
#endif

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void qib__rng_seed(qib_rng *r, uint64_t seed) {
    uint64_t x = seed;
    /* splitmix64 never yields four zero words in a row, so the state is valid */
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
    r->spare = 0;
    r->has_spare = false;
}

/* xoshiro256** 1.0 */
uint64_t qib__rng_next(qib_rng *r) {
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double qib__rng_uniform(qib_rng *r) {
    /* the top 53 bits scaled by 2^-53: exact, in [0, 1) */
    return (double)(qib__rng_next(r) >> 11) * 0x1.0p-53;
}

double qib__rng_log(double x) {
    /* x = m * 2^e exactly; move m into [sqrt(1/2), sqrt(2)) so that
     * z = (m-1)/(m+1) has |z| <= 0.1716, then
     * ln m = 2 atanh z = 2 (z + z^3/3 + z^5/5 + ...), 12 terms (z^24/25
     * < 1e-19), and ln x = e ln 2 + ln m with ln 2 split in a high part
     * (e * LN2_HI exact for |e| < 2^11) and a low part, as fdlibm does. */
    static const double LN2_HI = 6.93147180369123816490e-01;
    static const double LN2_LO = 1.90821492927058770002e-10;
    static const double SQRT_HALF = 0.70710678118654752440;
    int e;
    double m = frexp(x, &e);
    if (m < SQRT_HALF) {
        m *= 2;
        e -= 1;
    }
    double z = (m - 1) / (m + 1);
    double z2 = z * z;
    double poly = 1.0 / 25;
    for (int k = 11; k >= 0; k--) poly = poly * z2 + 1.0 / (2 * k + 1);
    double lnm = 2 * z * poly;
    return (double)e * LN2_HI + ((double)e * LN2_LO + lnm);
}

double qib__rng_normal(qib_rng *r) {
    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2 * qib__rng_uniform(r) - 1; /* exact: [-1, 1) */
        v = 2 * qib__rng_uniform(r) - 1;
        s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = sqrt(-2 * qib__rng_log(s) / s);
    r->spare = v * f;
    r->has_spare = true;
    return u * f;
}
