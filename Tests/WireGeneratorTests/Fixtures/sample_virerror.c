/* A stand-in for libvirt's src/util/virerror.c, written for the generator tests: the message table, with the
 * shapes libvirt's has (NULL, translated, untranslated "%s", a detail in the middle). */

static const char *notTheTable[] = { "ignored" };

static const sampleMsgTuple virErrorMsgStrings[] = {
    [VIR_ERR_OK] = { NULL, NULL },
    [VIR_ERR_INTERNAL_ERROR] = {
        N_("internal error"),
        N_("internal error: %s") },
    [VIR_ERR_DOM_EXIST] = {
        N_("this domain exists already"),
        N_("domain %s exists already") },
    [VIR_WAR_NO_THING] = {
        N_("Failed to find the \"thing\""),
        N_("Failed to find the " "thing: %s") },
    [VIR_ERR_NO_STORAGE_VOL] = {
        N_("Storage volume not found"),
        N_("Storage volume not found: %s") },
    [VIR_ERR_RPC] = {
        N_("RPC error"),
        "%s" },
};

G_STATIC_ASSERT(G_N_ELEMENTS(virErrorMsgStrings) == VIR_ERR_NUMBER_LAST);
