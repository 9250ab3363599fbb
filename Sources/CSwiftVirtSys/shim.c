#include "CSwiftVirtSys.h"
int sv_placeholder(void) { return 0; }

#include <malloc.h>

int sv_malloc_trim(void) { return malloc_trim(0); }
