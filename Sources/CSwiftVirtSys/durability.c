#define _GNU_SOURCE
#include <unistd.h>

#include "CSwiftVirtSys.h"

int sv_syncfs(int fd) { return syncfs(fd); }
