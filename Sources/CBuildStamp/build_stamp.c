#include "build_stamp.h"

// A C string rather than Swift: SwiftPM passes a value to C targets only, as a define, and a
// changed define rebuilds this one file instead of every Swift module.
const char *failover_kit_version(void) { return FAILOVER_KIT_VERSION; }
