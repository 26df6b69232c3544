/* OAuth scopes as Zendesk has them: "read" (GET), "write" (POST, PUT,
 * PATCH, DELETE), "impersonate", and per-resource forms "tickets:read",
 * "tickets:write" or just "tickets" (both). A token is checked against the
 * route's pattern once it is authenticated; API tokens and passwords are
 * not scoped. Pure functions: callable from any thread. */
#include "gw_scopes.h"

#include <string.h>

/* Zendesk's resource scope names, and the route prefixes each covers
 * (first match wins, so the more specific prefixes come first). Routes
 * outside every row need the broad "read" or "write". */
static const char *const resources[] = {
	"tickets",    "users",           "organizations",
	"requests",   "triggers",        "automations",
	"macros",     "webhooks",        "satisfaction_ratings",
	"hc",         "auditlogs",       "apps",
	"targets",    "dynamic_content", "any_channel",
	"web_widget",
};
#define NRES (sizeof resources / sizeof resources[0])

typedef struct prefix_row {
	const char *prefix;
	const char *resource;
} prefix_row;

static const prefix_row prefixes[] = {
	{"/api/v2/users/{id}/tickets/", "tickets"},
	{"/api/v2/organizations/{id}/tickets", "tickets"},
	{"/api/v2/tickets/{id}/satisfaction_rating", "satisfaction_ratings"},
	{"/api/v2/tickets/{id}/macros/", "macros"},
	{"/api/v2/tickets", "tickets"},
	{"/api/v2/deleted_tickets", "tickets"},
	{"/api/v2/ticket_metrics", "tickets"},
	{"/api/v2/incremental/ticket", "tickets"},
	{"/api/v2/uploads", "tickets"},
	{"/api/v2/attachments", "tickets"},
	{"/api/v2/hd/tickets", "tickets"},
	{"/api/v2/users", "users"},
	{"/api/v2/group_memberships", "users"},
	{"/api/v2/organizations", "organizations"},
	{"/api/v2/requests", "requests"},
	{"/api/v2/triggers", "triggers"},
	{"/api/v2/automations", "automations"},
	{"/api/v2/macros", "macros"},
	{"/api/v2/hd/macros", "macros"},
	{"/api/v2/webhooks", "webhooks"},
	{"/api/v2/hd/webhooks", "webhooks"},
	{"/api/v2/satisfaction_ratings", "satisfaction_ratings"},
	{"/api/v2/hd/satisfaction_ratings", "satisfaction_ratings"},
	{"/api/v2/help_center", "hc"},
	{"/api/v2/hd/deflection", "hc"},
	{"/api/v2/hd/channels/", "any_channel"},
};

/* Bits: 0 read, 1 write, 2 impersonate, then two per resource. */
#define BIT_READ        ((uint64_t)1 << 0)
#define BIT_WRITE       ((uint64_t)1 << 1)
#define BIT_IMPERSONATE ((uint64_t)1 << 2)
#define RES_READ(i)     ((uint64_t)1 << (3 + 2 * (i)))
#define RES_WRITE(i)    ((uint64_t)1 << (4 + 2 * (i)))

static int resource_index(const char *name, size_t len)
{
	for (size_t i = 0; i < NRES; i++)
		if (strlen(resources[i]) == len &&
		    strncmp(resources[i], name, len) == 0)
			return (int)i;
	return -1;
}

int gw_scope_bit(const char *scope, uint64_t *bit)
{
	*bit = 0;
	if (strcmp(scope, "read") == 0)
		*bit = BIT_READ;
	else if (strcmp(scope, "write") == 0)
		*bit = BIT_WRITE;
	else if (strcmp(scope, "impersonate") == 0)
		*bit = BIT_IMPERSONATE;
	if (*bit)
		return 0;
	const char *colon = strchr(scope, ':');
	size_t n = colon ? (size_t)(colon - scope) : strlen(scope);
	int i = resource_index(scope, n);
	if (i < 0)
		return -1;
	if (!colon)
		*bit = RES_READ(i) | RES_WRITE(i);
	else if (strcmp(colon + 1, "read") == 0)
		*bit = RES_READ(i);
	else if (strcmp(colon + 1, "write") == 0)
		*bit = RES_WRITE(i);
	return *bit ? 0 : -1;
}

uint64_t gw_scope_bits(char *const *scopes, size_t n)
{
	uint64_t bits = 0, bit;
	for (size_t i = 0; i < n; i++)
		if (gw_scope_bit(scopes[i], &bit) == 0)
			bits |= bit;
	return bits;
}

static int route_resource(const char *pattern)
{
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(pattern, prefixes[i].prefix,
			    strlen(prefixes[i].prefix)) == 0)
			return resource_index(prefixes[i].resource,
					      strlen(prefixes[i].resource));
	return -1;
}

bool gw_scope_allows(uint64_t bits, const char *method, const char *pattern)
{
	bool read = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	if (bits & (read ? BIT_READ : BIT_WRITE))
		return true;
	int i = route_resource(pattern);
	return i >= 0 && (bits & (read ? RES_READ(i) : RES_WRITE(i)));
}
