/* SPDX-License-Identifier: Apache-2.0 */
/* dict.h: the DICOM data dictionary subset qib uses (folder-private).
 * Tags are (group << 16) | element. */
#ifndef QIB_DICOM_DICT_H
#define QIB_DICOM_DICT_H

#include <stdint.h>

typedef struct qib_dict_entry {
    uint32_t tag;
    char vr[3];          /* the VR used when a file does not say (implicit VR) */
    const char *keyword; /* PS3.6 keyword, e.g. "PixelSpacing" */
} qib_dict_entry;

/* Looks up a tag: exact entries first, then the repeating groups (60xx
 * overlays), group lengths (gggg,0000) and private creators (odd gggg,00xx).
 * Returns NULL for tags the table does not know (they read as VR UN). */
const qib_dict_entry *qib__dict_find(uint32_t tag);

/* Number of entries of the static table, and entry i (for tests: the table
 * must be sorted and unique). */
uint32_t qib__dict_size(void);
const qib_dict_entry *qib__dict_at(uint32_t i);

#endif
