/* A stand-in for libvirt's include/libvirt/virterror.h, written for the generator tests: an error-level enum the
 * generator must skip, then the error numbers with libvirt's layout (comments, a gap, a sentinel under #ifdef). */

typedef enum {
    SAMPLE_LEVEL_NONE = 0,
    SAMPLE_LEVEL_ERROR = 2
} sampleErrorLevel;

typedef enum {
    VIR_ERR_OK = 0, /* no error */
    VIR_ERR_INTERNAL_ERROR = 1,   /* a comment that goes on
                                     over two lines, with a comma, */
    VIR_ERR_DOM_EXIST,            /* numbered after the one before */
    VIR_WAR_NO_THING = 5,         /* a warning */
    VIR_ERR_NO_STORAGE_VOL = 6,
    VIR_ERR_RPC = 7,              // a line comment

# ifdef VIR_ENUM_SENTINELS
    VIR_ERR_NUMBER_LAST
# endif
} virErrorNumber;
