// libFuzzer's driver, for targets that bring their own main (SwiftPM links an executable's entry point as
// <Module>_main, so libFuzzer's own main is not used). Declared as in compiler-rt's FuzzerInterface.h.
#ifndef ANCHORD_CFUZZDRIVER_H
#define ANCHORD_CFUZZDRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
