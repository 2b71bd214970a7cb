/* SPDX-License-Identifier: Apache-2.0 */
/* cli_commands.c: the table of subcommands. `qib help` and the docs list it. */
#include "cli.h"

const cli_command cli_command_table[] = {
    {"extract", "compute features of a region: qib extract IMAGE MASK",
     "usage: qib extract IMAGE MASK [options]\n"
     "\n"
     "Loads IMAGE and MASK (NIfTI .nii/.nii.gz, NRRD .nrrd/.nhdr), checks that they share\n"
     "a grid, selects the label and computes every enabled feature family.\n"
     "IMAGE may also be a DICOM series folder or file. MASK may also be a DICOM RT\n"
     "Structure Set (one ROI, filled onto the image grid: a voxel is inside when its\n"
     "centre is) or a DICOM SEG (one segment), recognised by SOP Class UID.\n"
     "\n"
     "options:\n"
     "  --label N            mask label of the region (default 1; 0 = every non-zero voxel)\n"
     "  --series UID         the series to load when a DICOM folder holds several\n"
     "  --roi NAME|NUMBER    RTSTRUCT mask: the ROI (required when there are several)\n"
     "  --segment N          SEG mask: the segment number (default 1)\n"
     "  --format F           csv (one row, one column per feature; default), long (one row\n"
     "                       per feature), json\n"
     "  --out FILE           write the results to FILE (default: standard output) and the\n"
     "                       provenance record to FILE.provenance.json\n"
     "  --provenance FILE    write the provenance record to FILE\n"
     "  --preset NAME        ibsi-phantom, ibsi-a ... ibsi-e: the IBSI 1 configurations\n"
     "  --params FILE.yaml   settings from a parameter file (a flat mapping NAME: VALUE)\n"
     "  --set NAME=VALUE     set any setting (see `qib settings`); may be repeated\n"
     "                       (options apply in order: later ones override earlier ones)\n"
     "  --families LIST      comma-separated feature families (default all)\n"
     "\n"
     "exit status: 0 success, 1 usage error, 2 unreadable or inconsistent input,\n"
     "3 out of memory or internal failure\n",
     cmd_extract},
    {"batch", "compute features for every case of a manifest: qib batch MANIFEST.csv",
     "usage: qib batch MANIFEST.csv --out FILE [options]\n"
     "\n"
     "Computes the features of every case listed in MANIFEST.csv (PyRadiomics' batch\n"
     "format: a header row with columns Image and Mask, or image and mask; an optional\n"
     "Label column overrides the label per case; other columns are copied to the output).\n"
     "Relative paths are taken from the manifest's folder. Cases run in parallel; rows\n"
     "are written in manifest order, so the output does not depend on --jobs. A failing\n"
     "case gets a row with its error message and the batch goes on. Each finished case\n"
     "is recorded in FILE.done (and its values in FILE.cases) so that --resume can\n"
     "skip it; FILE is complete when the run ends, with FILE.provenance.json.\n"
     "\n"
     "options:\n"
     "  --out FILE           the results table (required)\n"
     "  --format F           csv (one row per case; default), long (one row per feature),\n"
     "                       json\n"
     "  --jobs N             worker threads (default: the number of online cores); at most\n"
     "                       N cases are in memory at once\n"
     "  --resume             keep the cases FILE.done records with the same image, mask,\n"
     "                       label and settings (by SHA-256); run the missing, changed and\n"
     "                       failed ones\n"
     "  --no-fsync           do not fsync after each case (faster on slow disks; a power\n"
     "                       loss may then lose the last cases)\n"
     "  --label N            default mask label (the Label column overrides it)\n"
     "  --families LIST      comma-separated feature families (default all)\n"
     "  --preset NAME        apply a settings preset (see `qib settings`)\n"
     "  --params FILE        load settings from a YAML parameter file\n"
     "  --set NAME=VALUE     set any setting; may be repeated\n"
     "                       (settings options apply in command-line order)\n"
     "\n"
     "A progress bar is shown on standard error when it is a terminal.\n"
     "\n"
     "exit status: 0 every case ok, 1 usage error, 2 at least one case failed (its row\n"
     "holds the error) or the manifest is unreadable, 3 cannot write the output or out\n"
     "of memory\n",
     cmd_batch},
    {"dicom", "read DICOM: dump, hash, ls, convert a series to NIfTI",
     "usage: qib dicom dump FILE...\n"
     "       qib dicom hash FILE...\n"
     "       qib dicom ls [-r] DIR\n"
     "       qib dicom convert [-r] [--series UID] [--force] SERIES_DIR|FILE OUTPUT\n"
     "\n"
     "dump: every element (tag, VR, length, value, nested items indented).\n"
     "hash: SHA-256 of the decoded pixels (the corpus pixel_sha256).\n"
     "ls: patients, studies and series of a folder.\n"
     "convert: sort the slices of one series into a volume (.nii.gz, .nrrd).\n"
     "  --force  accept missing slices, uneven spacing or gantry tilt (warnings)\n",
     cmd_dicom},
    {"features", "list the feature registry",
     "usage: qib features [--family NAME] [--families] [--markdown]\n"
     "\n"
     "Lists every feature qib computes: family, name, IBSI code, PyRadiomics name, unit.\n"
     "  --family NAME   only this family\n"
     "  --families      list the families instead\n"
     "  --markdown      print docs/FEATURES.md\n",
     cmd_features},
    {"settings", "list every setting with its default and range",
     "usage: qib settings [--markdown]\n"
     "\n"
     "Lists every setting: name, group, type, default, allowed values, description.\n"
     "  --markdown      print docs/SETTINGS.md\n",
     cmd_settings},
    {"phantom", "write a synthetic case with known ground truth",
     "usage: qib phantom OUTDIR [options]\n"
     "\n"
     "Writes OUTDIR/image.nii.gz (int16, CT-like), OUTDIR/mask.nii.gz (label 1) and\n"
     "OUTDIR/truth.json (exact volume, voxel count, noiseless mean), with provenance.\n"
     "Same options give the same bytes on every machine.\n"
     "\n"
     "options:\n"
     "  --shape S            sphere (default), ellipsoid or cube\n"
     "  --radius R[,R,R]     semi-axes in mm (cube: half sides); default 13.4 (about 10 cm3)\n"
     "  --size NX,NY,NZ      grid size in voxels (default 128,128,64)\n"
     "  --spacing SX,SY,SZ   voxel spacing in mm (default 0.8,0.8,2.0)\n"
     "  --offset X,Y,Z       lesion centre relative to the grid centre, mm (default 0,0,0)\n"
     "  --noise SD           noise standard deviation in HU (default 10)\n"
     "  --seed N             noise seed (default 1)\n"
     "  --format F           nii.gz (default), nii or nrrd\n",
     cmd_phantom},
    {"info", "print an image file's header: grid, type, orientation",
     "usage: qib info FILE\n"
     "\n"
     "Prints the format, voxel type, dimensions, spacing, origin and direction cosines\n"
     "(LPS, as ITK/SimpleITK/3D Slicer report them) and the intensity range.\n",
     cmd_info},
    {"convert", "convert an image between NIfTI and NRRD",
     "usage: qib convert INPUT OUTPUT\n"
     "\n"
     "Reads INPUT and writes OUTPUT in the format its name gives (.nii, .nii.gz, .nrrd,\n"
     ".nhdr), keeping voxel type and geometry; writes OUTPUT.provenance.json.\n",
     cmd_convert},
    {"version", "print the version and build commit", "usage: qib version\n", cmd_version},
    {"help", "list commands, or explain one: qib help COMMAND", "usage: qib help [COMMAND]\n",
     cmd_help},
};

const size_t cli_command_count = sizeof cli_command_table / sizeof cli_command_table[0];
