#ifndef BUILD_STAMP_H
#define BUILD_STAMP_H

/// The build's version, `<release>+git<revision>[.dirty]`, stamped by Package.swift from
/// $FAILOVER_KIT_VERSION (scripts/version.sh); "0.0.0+unstamped" for a build without it.
const char *failover_kit_version(void);

#endif
