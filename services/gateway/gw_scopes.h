/* OAuth scopes (scopes.c): Zendesk's "read", "write", "impersonate" and
 * "<resource>[:read|:write]" turned into bits at authentication, then
 * checked per route. Pure functions, any thread. */
#ifndef GW_SCOPES_H
#define GW_SCOPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The bit(s) of one scope string: 0, or -1 (*bit 0) for a scope Zendesk
 * does not have (the caller names it in a 400). */
int gw_scope_bit(const char *scope, uint64_t *bit);
/* The union of scopes' bits; unknown scopes add nothing. */
uint64_t gw_scope_bits(char *const *scopes, size_t n);
/* Whether a token with bits may call method on the route pattern (as in
 * the route tables, "/api/v2/tickets/{id}"): GET needs read or
 * <resource>:read, anything else write or <resource>:write. */
bool gw_scope_allows(uint64_t bits, const char *method, const char *pattern);

#endif
