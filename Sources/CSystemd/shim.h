// The parts of libsystemd failoverd uses: sd_notify (readiness, status, watchdog) and the
// journal's native protocol. Location macros are suppressed so sd_journal_sendv is the plain
// function; callers send CODE_FILE/CODE_LINE/CODE_FUNC themselves.
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
