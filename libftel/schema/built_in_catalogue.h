// The scenario catalogue every ftel program carries: config/scenario-catalogue.tsv
// as it was at build time, so that a program installed alone (one Debian
// package, one container) needs no data file beside it.
#ifndef FTEL_LIBFTEL_SCHEMA_BUILT_IN_CATALOGUE_H_
#define FTEL_LIBFTEL_SCHEMA_BUILT_IN_CATALOGUE_H_

namespace ftel {

// The TSV text, header line included.
const char* BuiltInCatalogueTsv();

}  // namespace ftel

#endif  // FTEL_LIBFTEL_SCHEMA_BUILT_IN_CATALOGUE_H_
