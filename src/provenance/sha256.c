/* SPDX-License-Identifier: Apache-2.0 */
/* sha256.c: SHA-256 of buffers and files (FIPS 180-4), via OpenSSL's EVP API.
 *
 * Files are streamed in 1 MiB blocks, so a multi-gigabyte image is hashed
 * in constant memory. Every error names the file. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "provenance_internal.h"

void qib__sha256_hex(const unsigned char digest[32], char hex[65]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = 0;
}

/* On the (allocation) failure of OpenSSL, hex is left as "" so that an
 * absent hash can never be mistaken for a real one. */
void qib_sha256_buffer(const void *buf, size_t len, char hex[65]) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    static const unsigned char empty[1] = {0};
    if (!buf) buf = empty; /* EVP_Digest wants a pointer even for len 0 */
    if (EVP_Digest(buf, len, digest, &n, EVP_sha256(), NULL) != 1 || n != 32) {
        hex[0] = 0;
        return;
    }
    qib__sha256_hex(digest, hex);
}

static qib_status os_error(qib_error *err, const char *path, const char *what) {
    int e = errno;
    qib_status st = (e == ENOENT || e == ENOTDIR) ? QIB_ERR_NOT_FOUND : QIB_ERR_IO;
    return qib__fail(err, st, path, -1, NULL, "cannot %s: %s", what, strerror(e));
}

qib_status qib__sha256_file_n(const char *path, char hex[65], uint64_t *bytes, qib_error *err) {
    QIB_FAIL_IF(!path || !*path, err, QIB_ERR_ARG, NULL, -1, "path", "no file name given");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return os_error(err, path, "open for hashing");

    qib_status st = QIB_OK;
    unsigned char *block = NULL;
    EVP_MD_CTX *ctx = NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        st = os_error(err, path, "stat");
        goto done;
    }
    if (S_ISDIR(sb.st_mode)) {
        st = qib__fail(err, QIB_ERR_IO, path, -1, NULL, "is a directory, not a file");
        goto done;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = qib__fail(err, QIB_ERR_IO, path, -1, NULL, "is not a regular file");
        goto done;
    }
    block = malloc(QIB_SHA256_BLOCK);
    ctx = EVP_MD_CTX_new();
    if (!block || !ctx) {
        st = qib__nomem(err, path, "the hashing state");
        goto done;
    }
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        st = qib__fail(err, QIB_ERR_NOMEM, path, -1, NULL, "OpenSSL could not start SHA-256");
        goto done;
    }
    uint64_t total = 0;
    for (;;) {
        ssize_t r = read(fd, block, QIB_SHA256_BLOCK);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            st = qib__fail(err, QIB_ERR_IO, path, (int64_t)total, NULL, "cannot read: %s",
                           strerror(errno));
            goto done;
        }
        if (r == 0) break;
        if (EVP_DigestUpdate(ctx, block, (size_t)r) != 1) {
            st = qib__fail(err, QIB_ERR_NOMEM, path, (int64_t)total, NULL,
                           "OpenSSL SHA-256 update failed");
            goto done;
        }
        total += (uint64_t)r;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx, digest, &n) != 1 || n != 32) {
        st = qib__fail(err, QIB_ERR_NOMEM, path, -1, NULL, "OpenSSL SHA-256 final step failed");
        goto done;
    }
    qib__sha256_hex(digest, hex);
    if (bytes) *bytes = total;

done:
    EVP_MD_CTX_free(ctx);
    free(block);
    close(fd);
    return st;
}

qib_status qib_sha256_file(const char *path, char hex[65], qib_error *err) {
    return qib__sha256_file_n(path, hex, NULL, err);
}
