/* SPDX-License-Identifier: Apache-2.0 */
/* test_dicom_robust.c: the DICOM parser and decoders on damaged copies of
 * every file of ../shared/dicom-corpus/files (walked recursively).
 *
 * For each file, copies are made in memory, each in a buffer of exactly its
 * own length (so ASan sees any read past the end):
 *   - truncations at 0, 1, 131, 132 (inside / at the end of the preamble),
 *     half, len-1, and just before and just after the start of the
 *     top-level pixel data element;
 *   - a few deterministic corruptions (byte flips and a length field set to
 *     0xFFFFFFFF at positions drawn from a generator seeded by the file's
 *     index in the sorted walk).
 * Each copy is opened with qib_dicom_open_mem, every element of every data
 * set is walked (values read as text), and frame 0 is decoded under a
 * pixel-byte cap. Checked: no crash, leak or overrun (ASan/UBSan); every
 * failure has a status and a non-empty reason; and a truncated copy never
 * reports success with more pixel data than it has: a native Pixel Data
 * value lies inside the copy and holds the frames it declares, and a frame
 * decoded from a truncated copy equals the same frame of the whole file.
 * Work per file is capped (MAX_FILE_BYTES, MAX_CUT_COPIES_BIG). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "qib/dicom.h"
#include "test_util.h"

#define MAX_FILES 2048
#define MAX_FILE_BYTES (64u << 20)      /* files above this are read for nothing */
#define PIXEL_CAP ((uint64_t)16 << 20) /* max_pixel_bytes for each copy */
#define CORRUPTIONS 4

typedef struct {
    char **paths;
    size_t n, cap;
} file_list;

typedef struct {
    size_t files, copies, refused, opened, decoded, decode_refused, cut_equal;
} tally;

static void list_add(file_list *l, const char *p) {
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->paths = realloc(l->paths, l->cap * sizeof *l->paths);
        assert_non_null(l->paths);
    }
    l->paths[l->n] = strdup(p);
    assert_non_null(l->paths[l->n]);
    l->n++;
}

static void walk(const char *dir, file_list *l) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char p[4096];
        int k = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (k < 0 || (size_t)k >= sizeof p) continue;
        struct stat st;
        if (stat(p, &st) != 0) continue;
        if (S_ISDIR(st.st_mode))
            walk(p, l);
        else if (S_ISREG(st.st_mode) && l->n < MAX_FILES)
            list_add(l, p);
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint8_t *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > MAX_FILE_BYTES) {
        fclose(f);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *b = malloc(n ? n : 1);
    assert_non_null(b);
    if (fread(b, 1, n, f) != n) {
        free(b);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return b;
}

/* A failure must carry its status and a reason. */
static void check_failure(qib_status st, const qib_error *err, const char *what, const char *name) {
    if (st == QIB_OK) return;
    if (err->status == QIB_OK || err->reason[0] == '\0')
        fail_msg("%s: %s failed (%s) without a status or reason in the error", name, what,
                 qib_status_name(st));
}

/* Walks every element of a data set and its items, reading each value as
 * text; errors are allowed but need a reason. Returns elements seen. */
static size_t walk_item(const qib_dicom_item *it, const char *name, unsigned depth) {
    size_t n = qib_dicom_item_size(it), seen = 0;
    assert_true(depth < 64);
    for (size_t i = 0; i < n; i++) {
        qib_dicom_element el;
        memset(&el, 0, sizeof el);
        assert_true(qib_dicom_element_at(it, i, &el));
        seen++;
        if (el.is_sequence) {
            for (size_t k = 0; k < el.items; k++) {
                const qib_dicom_item *sub = qib_dicom_item_at(it, i, k);
                if (!sub) fail_msg("%s: item %zu of element %zu is missing", name, k, i);
                seen += walk_item(sub, name, depth + 1);
            }
        } else if (!el.encapsulated && el.value_len <= 4096) {
            char buf[256] = {0};
            qib_error err;
            qib_error_clear(&err);
            qib_status st = qib_dicom_get_string(it, el.tag, -1, buf, sizeof buf, &err);
            check_failure(st, &err, "get_string", name);
            (void)qib_dicom_vm(it, el.tag);
        }
    }
    return seen;
}

/* Stored bytes of one native frame (PS3.5 8.1.1; 4:2:2 keeps 2 samples per pixel). */
static uint64_t native_frame_bits(const qib_dicom_pixels *px) {
    uint64_t spp = px->samples_per_pixel;
    if (!strcmp(px->photometric, "YBR_FULL_422") && spp == 3) spp = 2;
    return (uint64_t)px->rows * px->columns * spp * px->bits_allocated;
}

typedef struct {
    const uint8_t *buf; /* the copy */
    size_t len;
    int truncated;
    const uint8_t *ref; /* frame 0 of the whole file, or NULL */
    size_t ref_len;
} copy_ctx;

static void run_copy(const copy_ctx *c, const char *name, tally *t) {
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.max_pixel_bytes = PIXEL_CAP;
    qib_dicom *d = NULL;
    qib_error err;
    qib_error_clear(&err);
    t->copies++;
    qib_status st = qib_dicom_open_mem(c->buf, c->len, name, &o, &d, &err);
    check_failure(st, &err, "open", name);
    if (st != QIB_OK) {
        assert_null(d);
        t->refused++;
        return;
    }
    t->opened++;
    walk_item(qib_dicom_root(d), name, 0);

    qib_dicom_pixels px;
    memset(&px, 0, sizeof px);
    qib_error_clear(&err);
    st = qib_dicom_get_pixels(d, &px, &err);
    check_failure(st, &err, "get_pixels", name);
    if (st == QIB_OK) {
        assert_true(px.frame_bytes <= PIXEL_CAP);
        if (!px.encapsulated) {
            qib_dicom_element el;
            memset(&el, 0, sizeof el);
            assert_true(qib_dicom_find(qib_dicom_root(d), px.pixel_tag, &el));
            qib_dicom_encoding enc;
            qib_dicom_get_encoding(d, &enc);
            if (!enc.deflated && el.value) {
                /* the value lies inside the copy */
                assert_true(el.value >= c->buf && el.value_len <= c->len &&
                            (size_t)(el.value - c->buf) <= c->len - el.value_len);
            }
            uint64_t need = (native_frame_bits(&px) * px.frames + 7) / 8;
            if (el.value_len < need)
                fail_msg("%s: native pixel data has %zu bytes, %u frames need %llu", name,
                         el.value_len, px.frames, (unsigned long long)need);
        }
        uint8_t *out = malloc(px.frame_bytes ? px.frame_bytes : 1);
        assert_non_null(out);
        qib_error_clear(&err);
        st = qib_dicom_decode_frame(d, 0, out, px.frame_bytes, &err);
        check_failure(st, &err, "decode_frame 0", name);
        if (st == QIB_OK) {
            t->decoded++;
            if (c->truncated && c->ref) {
                if (c->ref_len != px.frame_bytes || memcmp(c->ref, out, c->ref_len) != 0)
                    fail_msg("%s: frame 0 of a copy cut at %zu decodes to other pixels than "
                             "the whole file",
                             name, c->len);
                t->cut_equal++;
            }
        } else {
            t->decode_refused++;
        }
        free(out);
    }
    qib_dicom_free(d);
}

/* Frame 0 of the whole file, and where its top-level pixel data starts
 * (tag offset and value offset; 0 when unknown). */
static uint8_t *reference_frame(const uint8_t *buf, size_t len, const char *name, size_t *ref_len,
                                size_t *pix_tag, size_t *pix_value) {
    qib_dicom_options o;
    qib_dicom_options_default(&o);
    o.max_pixel_bytes = PIXEL_CAP;
    qib_dicom *d = NULL;
    qib_error err;
    qib_error_clear(&err);
    *ref_len = 0;
    *pix_tag = *pix_value = 0;
    if (qib_dicom_open_mem(buf, len, name, &o, &d, &err) != QIB_OK) return NULL;
    qib_dicom_encoding enc;
    qib_dicom_get_encoding(d, &enc);
    const qib_dicom_item *root = qib_dicom_root(d);
    static const uint32_t tags[3] = {0x7FE00010u, 0x7FE00008u, 0x7FE00009u};
    for (int i = 0; i < 3 && !enc.deflated; i++) {
        qib_dicom_element el;
        if (qib_dicom_find(root, tags[i], &el) && el.offset >= 0 && (size_t)el.offset < len) {
            *pix_tag = (size_t)el.offset;
            *pix_value = el.value ? (size_t)(el.value - buf) : (size_t)el.offset + 12;
            break;
        }
    }
    uint8_t *out = NULL;
    qib_dicom_pixels px;
    if (qib_dicom_get_pixels(d, &px, &err) == QIB_OK) {
        out = malloc(px.frame_bytes ? px.frame_bytes : 1);
        assert_non_null(out);
        if (qib_dicom_decode_frame(d, 0, out, px.frame_bytes, &err) == QIB_OK) {
            *ref_len = px.frame_bytes;
        } else {
            free(out);
            out = NULL;
        }
    }
    qib_dicom_free(d);
    return out;
}

static uint32_t lcg(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void one_file(const char *path, size_t index, tally *t) {
    size_t len = 0;
    uint8_t *buf = read_all(path, &len);
    if (!buf) {
        printf("  skip %s: unreadable or above %u bytes\n", path, MAX_FILE_BYTES);
        return;
    }
    t->files++;
    const char *name = strstr(path, "files/") ? strstr(path, "files/") : path;
    size_t ref_len = 0, pix_tag = 0, pix_value = 0;
    uint8_t *ref = reference_frame(buf, len, name, &ref_len, &pix_tag, &pix_value);

    /* truncations */
    size_t cuts[8] = {0, 1, 131, 132, len / 2, len ? len - 1 : 0, pix_tag, pix_value + 1};
    int ncuts = pix_tag ? 8 : 6;
    for (int i = 0; i < ncuts; i++) {
        size_t cut = cuts[i];
        if (cut >= len) continue;
        int dup = 0;
        for (int j = 0; j < i; j++) dup |= cuts[j] == cut;
        if (dup) continue;
        uint8_t *copy = malloc(cut ? cut : 1);
        assert_non_null(copy);
        memcpy(copy, buf, cut);
        copy_ctx c = {copy, cut, 1, ref, ref_len};
        run_copy(&c, name, t);
        free(copy);
    }

    /* corruptions */
    uint32_t seed = 0x9E3779B9u ^ (uint32_t)(index * 2654435761u);
    for (int k = 0; k < CORRUPTIONS && len > 0; k++) {
        uint8_t *copy = malloc(len);
        assert_non_null(copy);
        memcpy(copy, buf, len);
        size_t lo = 0, span = len;
        if (k == 1 && pix_tag > 132) span = pix_tag; /* the header only */
        if (k == 2 && pix_tag) lo = pix_tag, span = len - pix_tag; /* the pixel data only */
        if (k == 3) {
            /* a 32-bit length-like field set to 0xFFFFFFFF */
            if (len >= 4) {
                size_t p = lo + lcg(&seed) % (span - 3);
                memset(copy + p, 0xFF, 4);
            }
        } else {
            int flips = k == 0 ? 1 : 8;
            for (int f = 0; f < flips; f++) {
                size_t p = lo + lcg(&seed) % span;
                copy[p] ^= (uint8_t)(1u << (lcg(&seed) & 7));
            }
        }
        copy_ctx c = {copy, len, 0, NULL, 0};
        run_copy(&c, name, t);
        free(copy);
    }
    free(ref);
    free(buf);
}

static void test_damaged_corpus(void **state) {
    (void)state;
    char root[1024];
    if (!tu_shared("dicom-corpus/files", root, sizeof root)) {
        skip();
        return;
    }
    file_list l = {NULL, 0, 0};
    walk(root, &l);
    if (l.n == 0) {
        printf("SKIP: no files under %s\n", root);
        free(l.paths);
        skip();
        return;
    }
    qsort(l.paths, l.n, sizeof *l.paths, cmp_str);
    tally t;
    memset(&t, 0, sizeof t);
    clock_t t0 = clock();
    for (size_t i = 0; i < l.n; i++) {
        one_file(l.paths[i], i, &t);
        free(l.paths[i]);
    }
    free(l.paths);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("dicom robust: %zu files, %zu copies: %zu refused, %zu opened; frame 0 decoded %zu, "
           "refused %zu; %zu truncated decodes equal the whole file's; %.1f s CPU\n",
           t.files, t.copies, t.refused, t.opened, t.decoded, t.decode_refused, t.cut_equal, secs);
    assert_true(t.files > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_damaged_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
