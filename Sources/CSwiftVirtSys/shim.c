#include "CSwiftVirtSys.h"
int sv_placeholder(void) { return 0; }
