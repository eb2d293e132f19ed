// The declaration in include/CFuzzerDriver.h is all this target provides; libFuzzer defines the symbol.
#include "CFuzzerDriver.h"
