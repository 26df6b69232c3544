/* The libFuzzer entry point every target in tests/fuzz defines. Built two
 * ways (see the Makefile): with clang's -fsanitize=fuzzer for `make fuzz`,
 * and with replay.c's main() in every build, so `make test` runs each seed
 * corpus and every saved crash under ASan+UBSan. A target is named
 * fuzz_<area>_<what>.c; <area> is "common" or the service whose objects it
 * links. */
#ifndef HD_FUZZ_H
#define HD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
