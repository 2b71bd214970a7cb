/* SPDX-License-Identifier: Apache-2.0 */
/* file.c: whole-file reads with a size cap, and atomic whole-file writes. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qib_internal.h"

static qib_status os_error(qib_error *err, const char *path, const char *what) {
    int e = errno;
    qib_status st = (e == ENOENT || e == ENOTDIR) ? QIB_ERR_NOT_FOUND : QIB_ERR_IO;
    return qib__fail(err, st, path, -1, NULL, "cannot %s: %s", what, strerror(e));
}

qib_status qib__read_file(const char *path, uint64_t max_bytes, uint8_t **out, size_t *len,
                          qib_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return os_error(err, path, "open");
    struct stat st;
    if (fstat(fd, &st) != 0) {
        qib_status s = os_error(err, path, "stat");
        close(fd);
        return s;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return qib__fail(err, QIB_ERR_IO, path, -1, NULL, "is a directory, not a file");
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return qib__fail(err, QIB_ERR_IO, path, -1, NULL, "is not a regular file");
    }
    if ((uint64_t)st.st_size > max_bytes || (uint64_t)st.st_size >= SIZE_MAX) {
        close(fd);
        return qib__fail(err, QIB_ERR_LIMIT, path, -1, NULL,
                         "file is %lld bytes, more than the limit of %llu",
                         (long long)st.st_size, (unsigned long long)max_bytes);
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size + 1);
    if (!buf) {
        close(fd);
        return qib__nomem(err, path, "the file contents");
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            qib_status s = os_error(err, path, "read");
            free(buf);
            close(fd);
            return s;
        }
        if (r == 0) break; /* file shrank while reading */
        got += (size_t)r;
    }
    close(fd);
    buf[got] = 0;
    *out = buf;
    *len = got;
    return QIB_OK;
}

qib_status qib__write_file(const char *path, const void *buf, size_t len, qib_error *err) {
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) return qib__nomem(err, path, "a file name");
    snprintf(tmp, n + 16, "%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        qib_status s = os_error(err, path, "create");
        free(tmp);
        return s;
    }
    const uint8_t *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            qib_status s = os_error(err, path, "write");
            close(fd);
            unlink(tmp);
            free(tmp);
            return s;
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        qib_status s = os_error(err, path, "flush");
        unlink(tmp);
        free(tmp);
        return s;
    }
    if (rename(tmp, path) != 0) {
        qib_status s = os_error(err, path, "rename the temporary file onto");
        unlink(tmp);
        free(tmp);
        return s;
    }
    free(tmp);
    return QIB_OK;
}

bool qib__ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n) return false;
    for (size_t i = 0; i < m; i++)
        if (tolower((unsigned char)s[n - m + i]) != tolower((unsigned char)suffix[i]))
            return false;
    return true;
}
