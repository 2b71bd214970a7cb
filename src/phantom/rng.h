/* SPDX-License-Identifier: Apache-2.0 */
/* rng.h: a small portable random number generator with bit-identical output
 * on every IEEE-754 machine (not installed; shared inside libqib).
 *
 * Uniforms come from xoshiro256** (Blackman and Vigna, 2018) seeded through
 * splitmix64; normals from the Marsaglia polar method with a natural log
 * computed here from + - * / only, because libm's log() is not correctly
 * rounded and its last bit may differ between C libraries. */
#ifndef QIB_PHANTOM_RNG_H
#define QIB_PHANTOM_RNG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct qib_rng {
    uint64_t s[4];
    double spare;   /* second normal of the last polar pair */
    bool has_spare;
} qib_rng;

/* Seeds the generator; every seed (0 included) gives a valid state. */
void qib__rng_seed(qib_rng *r, uint64_t seed);
/* Next 64 random bits. */
uint64_t qib__rng_next(qib_rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double qib__rng_uniform(qib_rng *r);
/* Standard normal deviate (mean 0, SD 1). */
double qib__rng_normal(qib_rng *r);
/* Natural logarithm of x > 0 (finite, normal or subnormal) using only exact
 * libm steps (frexp) and + - * /; within a few ulp of log(x). Exposed for
 * the tests. */
double qib__rng_log(double x);

#endif
