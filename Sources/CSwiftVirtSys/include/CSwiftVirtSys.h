#ifndef CSWIFTVIRTSYS_H
#define CSWIFTVIRTSYS_H
/* C shims for syscalls Swift cannot call directly (variadic ioctl, KVM probe). */
int sv_placeholder(void);
#endif
