/* Zendesk spellings of the vocabulary enums, built once from the protobuf-c
 * descriptors: the value's name after its enum prefix, lower-cased; roles
 * spell '_' as '-' ("end-user"), as Zendesk does; SLA metrics are spelled
 * as Zendesk's policy metrics ("first_reply_time"). */
#include "hd/vocab.h"

#include "hd/err.h"

#include <pthread.h>
#include <string.h>

#define VOCAB_ENUMS      6
#define VOCAB_MAX_VALUES 32
#define VOCAB_NAME_LEN   32

static const ProtobufCEnumDescriptor *const vocab_descs[VOCAB_ENUMS] = {
	&hd__ticket_status__descriptor, &hd__ticket_priority__descriptor,
	&hd__ticket_type__descriptor,   &hd__via_channel__descriptor,
	&hd__user_role__descriptor,     &hd__sla_metric__descriptor,
};

/* names[e][v]: the spelling of value v of enum e ("" when none). */
static char vocab_names[VOCAB_ENUMS][VOCAB_MAX_VALUES][VOCAB_NAME_LEN];
static pthread_once_t vocab_once = PTHREAD_ONCE_INIT;

static void spell(const ProtobufCEnumDescriptor *d, const char *proto_name,
		  char out[VOCAB_NAME_LEN])
{
	const char *p = strchr(proto_name, '_');
	bool hyphen = d == &hd__user_role__descriptor;
	size_t n = 0;

	for (p = p ? p + 1 : proto_name; *p && n + 1 < VOCAB_NAME_LEN; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == '_' && hyphen)
			c = '-';
		out[n++] = c;
	}
	out[n] = '\0';
}

static void vocab_build(void)
{
	for (int e = 0; e < VOCAB_ENUMS; e++) {
		const ProtobufCEnumDescriptor *d = vocab_descs[e];
		for (unsigned i = 0; i < d->n_values; i++) {
			int v = d->values[i].value;
			if (v > 0 && v < VOCAB_MAX_VALUES)
				spell(d, d->values[i].name, vocab_names[e][v]);
		}
	}
}

static int vocab_index(const ProtobufCEnumDescriptor *desc)
{
	for (int e = 0; e < VOCAB_ENUMS; e++)
		if (vocab_descs[e] == desc)
			return e;
	return -1;
}

const char *hd_vocab_name(const ProtobufCEnumDescriptor *desc, int value)
{
	int e = vocab_index(desc);

	if (e < 0 || value <= 0 || value >= VOCAB_MAX_VALUES)
		return "";
	pthread_once(&vocab_once, vocab_build);
	return vocab_names[e][value];
}

int hd_vocab_parse(const ProtobufCEnumDescriptor *desc, const char *name,
		   int *out)
{
	int e = vocab_index(desc);

	if (!name || !name[0]) {
		*out = 0;
		return HD_OK;
	}
	if (e < 0)
		return HD_E_INVALID;
	pthread_once(&vocab_once, vocab_build);
	for (int v = 1; v < VOCAB_MAX_VALUES; v++)
		if (vocab_names[e][v][0] &&
		    strcmp(vocab_names[e][v], name) == 0) {
			*out = v;
			return HD_OK;
		}
	return HD_E_INVALID;
}

#define VOCAB_PARSER(fn, type, desc)                                           \
	int fn(const char *s, type *out)                                       \
	{                                                                      \
		int v = 0;                                                     \
		int rc = hd_vocab_parse(&desc, s, &v);                         \
		if (rc == HD_OK)                                               \
			*out = (type)v;                                        \
		return rc;                                                     \
	}

VOCAB_PARSER(hd_status_parse, Hd__TicketStatus, hd__ticket_status__descriptor)
VOCAB_PARSER(hd_priority_parse, Hd__TicketPriority,
	     hd__ticket_priority__descriptor)
VOCAB_PARSER(hd_type_parse, Hd__TicketType, hd__ticket_type__descriptor)
VOCAB_PARSER(hd_via_parse, Hd__ViaChannel, hd__via_channel__descriptor)
VOCAB_PARSER(hd_role_parse, Hd__UserRole, hd__user_role__descriptor)

bool hd_ticket_unsolved_str(const char *status)
{
	Hd__TicketStatus s = HD__TICKET_STATUS__STATUS_UNSET;

	return hd_status_parse(status, &s) == HD_OK && hd_ticket_unsolved(s);
}

bool hd_ticket_solved_str(const char *status)
{
	return hd_ticket_solved(hd_status_of(status));
}

bool hd_role_is_staff_str(const char *role)
{
	Hd__UserRole r = HD__USER_ROLE__ROLE_UNSET;

	return hd_role_parse(role, &r) == HD_OK && hd_role_is_staff(r);
}

bool hd_role_is_agent_str(const char *role)
{
	Hd__UserRole r = HD__USER_ROLE__ROLE_UNSET;

	return hd_role_parse(role, &r) == HD_OK && hd_role_is_agent(r);
}

int hd_status_rank(const char *status)
{
	Hd__TicketStatus s = HD__TICKET_STATUS__STATUS_UNSET;

	if (hd_status_parse(status, &s) != HD_OK ||
	    s == HD__TICKET_STATUS__STATUS_UNSET ||
	    s == HD__TICKET_STATUS__STATUS_DELETED)
		return -1;
	return (int)s - 1;
}

int hd_priority_rank(const char *priority)
{
	Hd__TicketPriority p = HD__TICKET_PRIORITY__PRIORITY_UNSET;

	return hd_priority_parse(priority, &p) == HD_OK ? (int)p : -1;
}
