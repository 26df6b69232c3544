/* A user's custom field values (hd.User.user_fields, typed) to and from
 * Zendesk's "user_fields" JSON object — for the gateway, the only one that
 * speaks it — and the upgrade of user records an older build stored with
 * the object as JSON text (User field 16). No state; any thread. */
#ifndef HD_USER_FIELDS_H
#define HD_USER_FIELDS_H

#include "user.pb-c.h"

#include <jansson.h>
#include <stdbool.h>

/* obj (a JSON object) as heap values in *out / *n, in obj's key order;
 * free them with hd_user_fields_free. HD_E_INVALID when a value is not
 * text, a number, true/false, null or a list of those — *bad then names
 * its key (borrowed from obj); HD_E_NOMEM. Nothing is left in *out on
 * error. */
int hd_user_fields_from_json(const json_t *obj, Hd__UserFieldValue ***out,
			     size_t *n, const char **bad);

/* Free values made by hd_user_fields_from_json (NULL allowed). */
void hd_user_fields_free(Hd__UserFieldValue **v, size_t n);

/* The values as Zendesk's object, keys in their order (a new reference;
 * NULL only when out of memory). */
json_t *hd_user_fields_json(Hd__UserFieldValue *const *v, size_t n);

/* hd_pb_fix_fn for stored hd.User records (hd_txn_upgrade_pb): when the
 * record still carries the old JSON text, take it out and store its keys
 * typed (replacing typed values an older build carried along unread).
 * A value the typed form cannot hold (an object, a list inside a
 * list: the old gateway took any JSON) is kept as its JSON text; text
 * that is not a JSON object gives no values, as the old gateway showed
 * it ({}). HD_OK, HD_E_NOMEM. */
int hd_user_fields_upgrade(ProtobufCMessage *msg, bool *changed);

#endif
