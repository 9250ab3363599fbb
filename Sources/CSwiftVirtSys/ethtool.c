#define _GNU_SOURCE
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "CSwiftVirtSys.h"

static int sv_ethtool(int fd, const char *ifname, void *data) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    ifr.ifr_data = data;
    return ioctl(fd, SIOCETHTOOL, &ifr);
}

uint32_t sv_ethtool_features(const char *ifname) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    uint32_t out = 0;
    const uint32_t legacy[] = {ETHTOOL_GRXCSUM, ETHTOOL_GTXCSUM, ETHTOOL_GSG,
                               ETHTOOL_GTSO,    ETHTOOL_GGSO,    ETHTOOL_GGRO};
    for (unsigned i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++) {
        struct ethtool_value v = {.cmd = legacy[i], .data = 0};
        if (sv_ethtool(fd, ifname, &v) == 0 && v.data > 0) out |= SV_NETDEV_FEATURE_RX << i;
    }
    struct ethtool_value flags = {.cmd = ETHTOOL_GFLAGS, .data = 0};
    if (sv_ethtool(fd, ifname, &flags) == 0 && flags.data > 0) {
        const uint32_t masks[] = {ETH_FLAG_LRO, ETH_FLAG_RXVLAN, ETH_FLAG_TXVLAN, ETH_FLAG_NTUPLE,
                                  ETH_FLAG_RXHASH};
        for (unsigned i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
            if (flags.data & masks[i]) out |= SV_NETDEV_FEATURE_LRO << i;
        }
    }
    /* Bit 25 of the first block is NETIF_F_GSO_UDP_TUNNEL ("tx-udp_tnl-segmentation"). */
    size_t size = sizeof(struct ethtool_gfeatures) + 2 * sizeof(struct ethtool_get_features_block);
    struct ethtool_gfeatures *g = calloc(1, size);
    if (g) {
        g->cmd = ETHTOOL_GFEATURES;
        g->size = 2;
        if (sv_ethtool(fd, ifname, g) == 0 && (g->features[0].active & (1U << 25)))
            out |= SV_NETDEV_FEATURE_TXUDPTNL;
        free(g);
    }
    close(fd);
    return out;
}
