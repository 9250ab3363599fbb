/* A stand-in for libvirt's public API files, written for the generator tests: the generator reads which
 * functions refuse read-only connections. */

int
virThingGetInfo(virThingPtr thing, unsigned int flags)
{
    VIR_DEBUG("thing=%p", thing);

    virCheckReadOnlyGoto(thing->conn->flags, error);
    return 0;
 error:
    return -1;
}

int
virThingUpload(virThingPtr thing, unsigned long long offset)
{
    if (offset > 0)
        virCheckReadOnlyGoto(thing->conn->flags, error);
    return 0;
 error:
    return -1;
}

char *
virConnectGetXMLDesc(virConnectPtr conn)
{
    virCheckReadOnlyGoto(conn->flags, error);
    return NULL;
 error:
    return NULL;
}
