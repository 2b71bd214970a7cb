/* SPDX-License-Identifier: Apache-2.0 */
/* dtype.c: voxel type sizes and names. */
#include "../common/qib_internal.h"

size_t qib_dtype_size(qib_dtype t) {
    switch (t) {
    case QIB_DT_U8: case QIB_DT_I8: return 1;
    case QIB_DT_U16: case QIB_DT_I16: return 2;
    case QIB_DT_U32: case QIB_DT_I32: case QIB_DT_F32: return 4;
    case QIB_DT_U64: case QIB_DT_I64: case QIB_DT_F64: return 8;
    }
    return 0;
}

const char *qib_dtype_name(qib_dtype t) {
    switch (t) {
    case QIB_DT_U8: return "uint8";
    case QIB_DT_I8: return "int8";
    case QIB_DT_U16: return "uint16";
    case QIB_DT_I16: return "int16";
    case QIB_DT_U32: return "uint32";
    case QIB_DT_I32: return "int32";
    case QIB_DT_U64: return "uint64";
    case QIB_DT_I64: return "int64";
    case QIB_DT_F32: return "float32";
    case QIB_DT_F64: return "float64";
    }
    return "invalid";
}
