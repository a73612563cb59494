// Nothing to compile: the header declares a function libFuzzer provides. SwiftPM wants one source file.
#include "CFuzzDriver.h"
