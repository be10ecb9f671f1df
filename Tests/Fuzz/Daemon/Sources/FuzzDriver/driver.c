// SwiftPM links an executable's entry point as <module>_main; hand it to libFuzzer's driver,
// which then calls the Swift target's LLVMFuzzerTestOneInput for every input. Each executable
// defines its own LLVMFuzzerTestOneInput and uses the entry point named after it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int configuration_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}

int http_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
