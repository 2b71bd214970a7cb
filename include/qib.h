/* SPDX-License-Identifier: Apache-2.0 */
/* qib.h: quantitative imaging biomarkers, the public API.
 *
 * Read in this order: version, errors, the image model, file I/O, DICOM, settings,
 * the feature registry and results, the one-call extraction, output writers,
 * provenance and synthetic phantoms. */
#ifndef QIB_H
#define QIB_H

#include "qib/version.h"
#include "qib/status.h"
#include "qib/image.h"
#include "qib/io.h"
#include "qib/dicom.h"
#include "qib/load.h"
#include "qib/batch.h"
#include "qib/settings.h"
#include "qib/features.h"
#include "qib/extract.h"
#include "qib/output.h"
#include "qib/provenance.h"
#include "qib/phantom.h"
#include "qib/filter.h"
#include "qib/pet.h"
#include "qib/adc.h"
#include "qib/recist.h"
#include "qib/imagetypes.h"

#endif
