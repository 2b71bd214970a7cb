/* SPDX-License-Identifier: Apache-2.0 */
/* test_swt.c: the wavelet filter bank (src/imagetypes/wavelet_bank.c) and the
 * PyWavelets-compatible stationary wavelet transform kernels (swt.c).
 *
 * Independent references: the orthonormality conditions every orthogonal wavelet
 * filter satisfies (Daubechies 1992, ch. 5), Haar sub-bands of a step worked out by
 * hand, the SWT's perfect reconstruction and energy identity (|H|^2 + |G|^2 = 2:
 * sum a^2 + sum d^2 = 2 sum x^2), and a few values printed by PyWavelets 1.1.1
 * (Debian python3-pywt) as stated next to them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "imagetypes/swt.h"
#include "imagetypes/wavelet_bank.h"

/* Every wavelet of the bank: sum dec_lo = sqrt(2), sum dec_lo^2 = 1, dec_lo
 * orthogonal to its even shifts, sum dec_hi = 0, dec_hi orthogonal to dec_lo at even
 * shifts, and the float32 filters within float rounding of the double ones. The
 * tolerance is PyWavelets' own: its symlet tables carry about 12 digits (sym20 is off
 * by 1.4e-11, sym3 by 4.8e-12; haar, dbN and coifN by less than 1e-12). */
static void test_bank_orthonormal(void **state) {
    (void)state;
    size_t n = qib__wavelet_count();
    assert_int_equal(n, 1 + 20 + 19 + 5);
    for (size_t w = 0; w < n; w++) {
        qib_wavelet wv;
        const char *name = qib__wavelet_name(w);
        assert_true(qib__wavelet_find(name, &wv));
        size_t f = wv.len;
        assert_true(f >= 2 && f % 2 == 0 && f <= QIB_WAVELET_MAX_LEN);
        double s = 0, s2 = 0, sh = 0;
        for (size_t i = 0; i < f; i++) {
            s += wv.dec_lo[i];
            s2 += wv.dec_lo[i] * wv.dec_lo[i];
            sh += wv.dec_hi[i];
            assert_true(fabs(wv.dec_lo_f32[i] - wv.dec_lo[i]) <= 1e-7 * (fabs(wv.dec_lo[i]) + 1e-3));
            assert_true(wv.rec_lo[i] == wv.dec_lo[f - 1 - i]);
            assert_true(wv.rec_hi[i] == wv.dec_hi[f - 1 - i]);
        }
        double tol = name[0] == 's' ? 2e-11 : 1e-12;
        if (fabs(s - sqrt(2.0)) > tol || fabs(s2 - 1) > tol || fabs(sh) > tol)
            fail_msg("%s: sum %.17g, energy %.17g, high-pass sum %.3g", name, s, s2, sh);
        for (size_t k = 1; 2 * k < f; k++) {
            double dot = 0;
            for (size_t i = 0; i + 2 * k < f; i++) dot += wv.dec_lo[i] * wv.dec_lo[i + 2 * k];
            if (fabs(dot) > tol) fail_msg("%s: shift %zu product %.3g", name, 2 * k, dot);
        }
        for (size_t k = 0; 2 * k < f; k++) {
            double dot = 0;
            for (size_t i = 0; i + 2 * k < f; i++) dot += wv.dec_lo[i] * wv.dec_hi[i + 2 * k];
            if (fabs(dot) > tol) fail_msg("%s: lo/hi shift %zu product %.3g", name, 2 * k, dot);
        }
    }
}

/* Spot values as PyWavelets 1.1.1 prints them (pywt.Wavelet('coif1').dec_lo and
 * .dec_hi, pywt.Wavelet('db2').dec_lo), bit for bit. */
static void test_bank_pywt_values(void **state) {
    (void)state;
    qib_wavelet w;
    assert_true(qib__wavelet_find("coif1", &w));
    assert_int_equal(w.len, 6);
    const double lo[6] = {-0.015655728135791993, -0.07273261951252645, 0.3848648468648578,
                          0.8525720202116004,   0.3378976624574818,   -0.07273261951252645};
    const double hi[6] = {0.07273261951252645, 0.3378976624574818,  -0.8525720202116004,
                          0.3848648468648578,  0.07273261951252645, -0.015655728135791993};
    for (int i = 0; i < 6; i++) {
        assert_true(w.dec_lo[i] == lo[i]);
        assert_true(w.dec_hi[i] == hi[i]);
    }
    /* pywt's float32 coif1 filter (read off pywt.swt of a float32 impulse) differs from
     * (float)dec_lo at index 3 */
    assert_true(w.dec_lo_f32[3] == 0.852571964263916f);
    assert_true(w.dec_lo_f32[3] != (float)w.dec_lo[3]);
    assert_true(qib__wavelet_find("db2", &w));
    assert_true(w.dec_lo[0] == -0.12940952255126037 && w.dec_lo[3] == 0.48296291314453416);
    assert_true(qib__wavelet_find("haar", &w));
    assert_true(w.len == 2 && w.dec_lo[0] == 0.7071067811865476 && w.dec_hi[0] == -w.dec_hi[1]);
}

static void test_bank_unknown(void **state) {
    (void)state;
    qib_wavelet w;
    qib_error err;
    assert_false(qib__wavelet_find("bior1.3", &w));
    assert_false(qib__wavelet_find("db21", &w));
    assert_false(qib__wavelet_find(NULL, &w));
    assert_int_equal(qib__wavelet_get("Coif1", "wavelet", &w, &err), QIB_ERR_UNSUPPORTED);
    assert_string_equal(err.field, "wavelet");
    assert_non_null(strstr(err.reason, "Coif1"));
}

/* Haar SWT of a step x = 0,0,0,0,1,1,1,1 (periodic), by hand from
 * out[o] = sum_j f[j] x[(o + 1 - j) mod 8]: a[o] = (x[o+1] + x[o]) / sqrt 2,
 * d[o] = (x[o] - x[o+1]) / sqrt 2. PyWavelets 1.1.1 pywt.swt(x, 'haar', 1) prints
 * a = [0 0 0 0.70710678 1.41421356 1.41421356 1.41421356 0.70710678],
 * d = [0 0 0 -0.70710678 0 0 0 0.70710678]. */
static void test_haar_step(void **state) {
    (void)state;
    qib_wavelet w;
    qib_error err;
    assert_true(qib__wavelet_find("haar", &w));
    const double x[8] = {0, 0, 0, 0, 1, 1, 1, 1};
    double a[8], d[8];
    TU_OK(qib__swt1d_periodic(x, 8, w.dec_lo, w.len, 1, a, &err), &err);
    TU_OK(qib__swt1d_periodic(x, 8, w.dec_hi, w.len, 1, d, &err), &err);
    const double r2 = sqrt(0.5);
    const double ea[8] = {0, 0, 0, r2, 2 * r2, 2 * r2, 2 * r2, r2};
    const double ed[8] = {0, 0, 0, -r2, 0, 0, 0, r2};
    for (int i = 0; i < 8; i++) {
        assert_true(fabs(a[i] - ea[i]) < 1e-15);
        assert_true(fabs(d[i] - ed[i]) < 1e-15);
    }
    /* a length that is not a multiple of 2^level is refused, as in pywt */
    assert_int_equal(qib__swt1d_periodic(x, 6, w.dec_lo, w.len, 3, a, &err), QIB_ERR_ARG);
}

/* A deterministic pseudo-random signal. */
static void signal(double *x, size_t n, unsigned seed) {
    unsigned s = seed;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (double)((s >> 8) % 2001) / 100.0 - 10.0;
    }
}

/* Perfect reconstruction and energy at levels 1..3 for several wavelets: with
 * s = 2^(level-1), x[n] = 1/2 sum_j (lo[j] a[n - sF/2 + sj] + hi[j] d[n - sF/2 + sj])
 * (the adjoint of the analysis, halved: the undecimated frame has bound 2), and
 * sum a^2 + sum d^2 = 2 sum x^2. */
static void test_reconstruction_energy(void **state) {
    (void)state;
    const char *names[] = {"haar", "db2", "db4", "sym5", "coif1", "coif3", "db10"};
    enum { N = 64 };
    double x[N], a[N], d[N];
    qib_error err;
    for (size_t w = 0; w < sizeof names / sizeof names[0]; w++) {
        qib_wavelet wv;
        assert_true(qib__wavelet_find(names[w], &wv));
        for (unsigned level = 1; level <= 3; level++) {
            signal(x, N, 7 + level);
            TU_OK(qib__swt1d_periodic(x, N, wv.dec_lo, wv.len, level, a, &err), &err);
            TU_OK(qib__swt1d_periodic(x, N, wv.dec_hi, wv.len, level, d, &err), &err);
            size_t s = (size_t)1 << (level - 1), f = wv.len;
            double ex = 0, ec = 0;
            for (size_t n = 0; n < N; n++) {
                ex += x[n] * x[n];
                ec += a[n] * a[n] + d[n] * d[n];
                double r = 0;
                for (size_t j = 0; j < f; j++) {
                    size_t o = (n + N * f - s * (f / 2) + s * j) % N;
                    r += wv.dec_lo[j] * a[o] + wv.dec_hi[j] * d[o];
                }
                if (fabs(r / 2 - x[n]) > 1e-11)
                    fail_msg("%s level %u: x[%zu] = %.15g rebuilt as %.15g", names[w], level, n,
                             x[n], r / 2);
            }
            if (fabs(ec - 2 * ex) > 1e-9 * ex)
                fail_msg("%s level %u: energy %.15g vs 2 x %.15g", names[w], level, ec, ex);
        }
    }
}

/* The valid-mode passes equal the periodic transform: along each axis of a 3-D
 * array whose lines are a periodic signal (plus 10 x the other two indices), extended
 * by the filter's reach, in double and in float, with taps 1 and 2 apart (levels 1
 * and 2 of pywt.swt). */
static void test_pass_matches_periodic(void **state) {
    (void)state;
    qib_wavelet w;
    qib_error err;
    assert_true(qib__wavelet_find("sym4", &w));
    enum { N = 32 };
    size_t f = w.len;
    for (int axis = 0; axis < 3; axis++) {
        for (size_t step = 1; step <= 2; step++) {
            size_t n[3] = {3, 4, 5};
            n[axis] = N + step * (f - 1);
            size_t m[3] = {n[0], n[1], n[2]};
            m[axis] = N;
            size_t total = n[0] * n[1] * n[2], mtotal = m[0] * m[1] * m[2];
            double *in = malloc(total * sizeof *in), *lo = malloc(mtotal * sizeof *lo);
            float *inf = malloc(total * sizeof *inf), *lof = malloc(mtotal * sizeof *lof);
            assert_true(in && lo && inf && lof);
            double sig[N], line[N], ref[N];
            signal(sig, N, 3 + (unsigned)axis);
            size_t st[3] = {1, n[0], n[0] * n[1]}, mt[3] = {1, m[0], m[0] * m[1]};
            size_t before = step * (f / 2 - 1);
            for (size_t k = 0; k < n[2]; k++)
                for (size_t j = 0; j < n[1]; j++)
                    for (size_t i = 0; i < n[0]; i++) {
                        size_t idx[3] = {i, j, k};
                        size_t p = (idx[axis] + N * f - before) % N;
                        double other = (double)(i + j + k - idx[axis]);
                        size_t at = i * st[0] + j * st[1] + k * st[2];
                        in[at] = sig[p] + 10 * other;
                        inf[at] = (float)in[at];
                    }
            qib__swt_pass_f64(in, n, axis, w.dec_lo, w.dec_hi, f, step, lo, NULL);
            qib__swt_pass_f32(inf, n, axis, w.dec_lo_f32, w.dec_hi_f32, f, step, lof, NULL);
            for (size_t o = 0; o < N; o++) line[o] = sig[o] + 10 * 2; /* other indices 1, 1 */
            TU_OK(qib__swt1d_periodic(line, N, w.dec_lo, f, step == 1 ? 1 : 2, ref, &err), &err);
            for (size_t o = 0; o < N; o++) {
                size_t idx[3] = {1, 1, 1};
                idx[axis] = o;
                size_t at = idx[0] * mt[0] + idx[1] * mt[1] + idx[2] * mt[2];
                if (fabs(lo[at] - ref[o]) > 1e-12 || fabs(lof[at] - ref[o]) > 1e-4 * (1 + fabs(ref[o])))
                    fail_msg("axis %d step %zu o %zu: %.15g / %.7g vs %.15g", axis, step, o,
                             lo[at], (double)lof[at], ref[o]);
            }
            free(in);
            free(inf);
            free(lo);
            free(lof);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bank_orthonormal),
        cmocka_unit_test(test_bank_pywt_values),
        cmocka_unit_test(test_bank_unknown),
        cmocka_unit_test(test_haar_step),
        cmocka_unit_test(test_reconstruction_energy),
        cmocka_unit_test(test_pass_matches_periodic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
