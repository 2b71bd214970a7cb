/* SPDX-License-Identifier: Apache-2.0 */
/* tu_petbuild.h: hand-made PET Image Storage files (2 x 2 pixels, explicit
 * VR little endian) with every SUV-related attribute under the test's
 * control; NULL leaves an attribute out (test code only). */
#ifndef QIB_TU_PETBUILD_H
#define QIB_TU_PETBUILD_H

#include "tu_dcmbuild.h"

typedef struct tu_pet {
    const char *sop_class, *modality, *series_uid;
    const char *series_date, *series_time, *acq_date, *acq_time, *timezone;
    const char *sex, *size, *weight;
    const char *corrected, *slope, *intercept;
    int radiopharmaceuticals; /* items of (0054,0016); 0 leaves the sequence out */
    const char *start_time, *dose, *half_life, *start_datetime;
    const char *units, *decay;
    const char *ge_scan;       /* (0009,xx0D) of "GEMS_PETD_01" */
    const char *philips_suv;   /* (7053,xx00) of "Philips PET Private Group" */
    const char *philips_act;   /* (7053,xx09) */
    uint8_t philips_block;     /* xx (default 0x10) */
    double z;                  /* Image Position (Patient) z, mm */
    int16_t px[4];             /* stored values */
} tu_pet;

/* A complete BQML START image: 70 kg man of 1.75 m, 370 MBq F-18
 * (half-life 6586.2 s) injected at 09:00:00, series and acquisition at
 * 10:00:00 on 2024-03-05, slope 0.5, stored values 100, 200, 300, 400. */
static inline void tu_pet_default(tu_pet *p) {
    memset(p, 0, sizeof *p);
    p->sop_class = "1.2.840.10008.5.1.4.1.1.128";
    p->modality = "PT";
    p->series_uid = "1.2.826.0.1.3680043.9.7433.1";
    p->series_date = p->acq_date = "20240305";
    p->series_time = p->acq_time = "100000";
    p->sex = "M";
    p->size = "1.75";
    p->weight = "70";
    p->corrected = "NORM\\DTIM\\ATTN\\SCAT\\DECY";
    p->slope = "0.5";
    p->intercept = "0";
    p->radiopharmaceuticals = 1;
    p->start_time = "090000";
    p->dose = "370000000";
    p->half_life = "6586.2";
    p->units = "BQML";
    p->decay = "START";
    p->philips_block = 0x10;
    p->px[0] = 100;
    p->px[1] = 200;
    p->px[2] = 300;
    p->px[3] = 400;
}

static inline void tu_pet_opt(tu_dcm *b, uint16_t g, uint16_t e, const char *vr, const char *s) {
    if (s) tu_dcm_str(b, g, e, vr, s);
}

/* The file's bytes into b (free b->p). */
static inline void tu_pet_build(const tu_pet *p, tu_dcm *b) {
    tu_dcm_begin(b, p->sop_class);
    tu_pet_opt(b, 0x0008, 0x0021, "DA", p->series_date);
    tu_pet_opt(b, 0x0008, 0x0022, "DA", p->acq_date);
    tu_pet_opt(b, 0x0008, 0x0031, "TM", p->series_time);
    tu_pet_opt(b, 0x0008, 0x0032, "TM", p->acq_time);
    tu_pet_opt(b, 0x0008, 0x0060, "CS", p->modality);
    tu_pet_opt(b, 0x0008, 0x0201, "SH", p->timezone);
    if (p->ge_scan) {
        tu_dcm_str(b, 0x0009, 0x0010, "LO", "GEMS_PETD_01");
        tu_dcm_str(b, 0x0009, 0x100D, "DT", p->ge_scan);
    }
    tu_pet_opt(b, 0x0010, 0x0040, "CS", p->sex);
    tu_pet_opt(b, 0x0010, 0x1020, "DS", p->size);
    tu_pet_opt(b, 0x0010, 0x1030, "DS", p->weight);
    tu_pet_opt(b, 0x0020, 0x000E, "UI", p->series_uid);
    char ipp[64];
    snprintf(ipp, sizeof ipp, "-1\\-1\\%.6f", p->z);
    tu_dcm_str(b, 0x0020, 0x0032, "DS", ipp);
    tu_dcm_str(b, 0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0");
    tu_dcm_us(b, 0x0028, 0x0002, 1);
    tu_dcm_str(b, 0x0028, 0x0004, "CS", "MONOCHROME2");
    tu_dcm_us(b, 0x0028, 0x0010, 2);
    tu_dcm_us(b, 0x0028, 0x0011, 2);
    tu_dcm_str(b, 0x0028, 0x0030, "DS", "2\\2");
    tu_pet_opt(b, 0x0028, 0x0051, "CS", p->corrected);
    tu_dcm_us(b, 0x0028, 0x0100, 16);
    tu_dcm_us(b, 0x0028, 0x0101, 16);
    tu_dcm_us(b, 0x0028, 0x0102, 15);
    tu_dcm_us(b, 0x0028, 0x0103, 1);
    tu_pet_opt(b, 0x0028, 0x1052, "DS", p->intercept);
    tu_pet_opt(b, 0x0028, 0x1053, "DS", p->slope);
    if (p->radiopharmaceuticals > 0) {
        tu_dcm_seq(b, 0x0054, 0x0016);
        for (int i = 0; i < p->radiopharmaceuticals; i++) {
            tu_dcm_item(b);
            tu_pet_opt(b, 0x0018, 0x1072, "TM", p->start_time);
            tu_pet_opt(b, 0x0018, 0x1074, "DS", p->dose);
            tu_pet_opt(b, 0x0018, 0x1075, "DS", p->half_life);
            tu_pet_opt(b, 0x0018, 0x1078, "DT", p->start_datetime);
            tu_dcm_item_end(b);
        }
        tu_dcm_seq_end(b);
    }
    tu_pet_opt(b, 0x0054, 0x1001, "CS", p->units);
    tu_pet_opt(b, 0x0054, 0x1102, "CS", p->decay);
    if (p->philips_suv || p->philips_act) {
        tu_dcm_str(b, 0x7053, p->philips_block, "LO", "Philips PET Private Group");
        uint16_t base = (uint16_t)(p->philips_block << 8);
        tu_pet_opt(b, 0x7053, base, "DS", p->philips_suv);
        tu_pet_opt(b, 0x7053, base | 0x09, "DS", p->philips_act);
    }
    uint8_t px[8];
    for (int i = 0; i < 4; i++) {
        px[2 * i] = (uint8_t)(uint16_t)p->px[i];
        px[2 * i + 1] = (uint8_t)((uint16_t)p->px[i] >> 8);
    }
    tu_dcm_el(b, 0x7FE0, 0x0010, "OW", px, sizeof px);
}

/* Writes the file as DIR/NAME. */
static inline void tu_pet_write(const tu_pet *p, const char *dir, const char *name) {
    tu_dcm b;
    tu_pet_build(p, &b);
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (!path) abort();
    memcpy(path, dir, strlen(dir));
    path[strlen(dir)] = '/';
    memcpy(path + strlen(dir) + 1, name, strlen(name) + 1);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b.p, 1, b.n, f) != b.n) abort();
    fclose(f);
    free(path);
    free(b.p);
}

#endif
