/* Keyed BLAKE2b object MACs (see hd/obj_mac.h). */
#include "hd/obj_mac.h"
#include "hd/cluster_key.h"
#include "hd/err.h"

#include <sodium.h>
#include <string.h>

int hd_obj_mac_hex(const char *context, const void *msg, size_t len,
		   size_t nbytes, char *hex, size_t cap)
{
	uint8_t key[crypto_generichash_KEYBYTES], mac[HD_OBJ_MAC_MAX];
	if (nbytes < 8 || nbytes > HD_OBJ_MAC_MAX || cap < 2 * nbytes + 1)
		return HD_E_INVALID;
	int rc = hd_cluster_key_derive(context, 0, key, sizeof key);
	/* crypto_generichash's minimum output is 16 bytes: truncate after */
	if (rc == HD_OK &&
	    crypto_generichash(mac, HD_OBJ_MAC_MAX, msg, len, key, sizeof key))
		rc = HD_E_INTERNAL;
	if (rc == HD_OK)
		sodium_bin2hex(hex, cap, mac, nbytes);
	sodium_memzero(key, sizeof key);
	return rc;
}

bool hd_obj_mac_ok(const char *context, const void *msg, size_t len,
		   size_t nbytes, const char *hex)
{
	char want[2 * HD_OBJ_MAC_MAX + 1];
	if (!hex || strlen(hex) != 2 * nbytes ||
	    hd_obj_mac_hex(context, msg, len, nbytes, want, sizeof want))
		return false;
	return sodium_memcmp(want, hex, 2 * nbytes) == 0;
}
