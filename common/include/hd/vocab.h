/* The domain vocabulary (proto/vocab.proto): ticket status, priority, type,
 * via channel and user role as enums (and SLA metrics, proto/sla.proto), and their Zendesk spellings. The one
 * name table is derived from protobuf-c's enum descriptors, so adding a value
 * to the .proto is the whole change. Any thread. */
#ifndef HD_VOCAB_H
#define HD_VOCAB_H

#include "sla.pb-c.h"
#include "vocab.pb-c.h"

#include <stdbool.h>

/* Zendesk's spelling of value in the enum desc ("open", "end-user"), or ""
 * for 0 (unset) and for a value the enum does not have. Never NULL. */
const char *hd_vocab_name(const ProtobufCEnumDescriptor *desc, int value);
/* The value spelled name (exact, lower case), 0 for NULL or "". HD_E_INVALID
 * for any other word, *out left alone. */
int hd_vocab_parse(const ProtobufCEnumDescriptor *desc, const char *name,
		   int *out);

static inline const char *hd_status_name(Hd__TicketStatus s)
{
	return hd_vocab_name(&hd__ticket_status__descriptor, (int)s);
}
static inline const char *hd_priority_name(Hd__TicketPriority p)
{
	return hd_vocab_name(&hd__ticket_priority__descriptor, (int)p);
}
static inline const char *hd_type_name(Hd__TicketType t)
{
	return hd_vocab_name(&hd__ticket_type__descriptor, (int)t);
}
static inline const char *hd_via_name(Hd__ViaChannel v)
{
	return hd_vocab_name(&hd__via_channel__descriptor, (int)v);
}
static inline const char *hd_role_name(Hd__UserRole r)
{
	return hd_vocab_name(&hd__user_role__descriptor, (int)r);
}

static inline const char *hd_sla_metric_name(Hd__SlaMetric m)
{
	return hd_vocab_name(&hd__sla_metric__descriptor, (int)m);
}

/* Parsers of one enum each: HD_OK (0 for NULL / ""), HD_E_INVALID. */
int hd_status_parse(const char *s, Hd__TicketStatus *out);
int hd_priority_parse(const char *s, Hd__TicketPriority *out);
int hd_type_parse(const char *s, Hd__TicketType *out);
int hd_via_parse(const char *s, Hd__ViaChannel *out);
int hd_role_parse(const char *s, Hd__UserRole *out);

/* The value of a stored spelling, 0 (unset) for "" and for a word the enum
 * does not have: for records already checked when written. */
#define HD_VOCAB_OF(fn, type, parse)                                           \
	static inline type fn(const char *s)                                   \
	{                                                                      \
		type v = (type)0;                                              \
		(void)parse(s, &v);                                            \
		return v;                                                      \
	}
HD_VOCAB_OF(hd_status_of, Hd__TicketStatus, hd_status_parse)
HD_VOCAB_OF(hd_priority_of, Hd__TicketPriority, hd_priority_parse)
HD_VOCAB_OF(hd_type_of, Hd__TicketType, hd_type_parse)
HD_VOCAB_OF(hd_via_of, Hd__ViaChannel, hd_via_parse)
HD_VOCAB_OF(hd_role_of, Hd__UserRole, hd_role_parse)

/* new, open, pending or hold: the ticket still needs work (Zendesk's
 * "unsolved", as its views and reports count it). */
static inline bool hd_ticket_unsolved(Hd__TicketStatus s)
{
	return s >= HD__TICKET_STATUS__STATUS_NEW &&
	       s <= HD__TICKET_STATUS__STATUS_HOLD;
}
/* The same for a stored spelling; "" and unknown words are not unsolved. */
bool hd_ticket_unsolved_str(const char *status);
/* solved or closed: the work is done (a request's "solved"); "" and unknown
 * words are neither solved nor unsolved. */
static inline bool hd_ticket_solved(Hd__TicketStatus s)
{
	return s == HD__TICKET_STATUS__STATUS_SOLVED ||
	       s == HD__TICKET_STATUS__STATUS_CLOSED;
}
bool hd_ticket_solved_str(const char *status);

/* agent or admin (and the suite itself): sees internal notes, every ticket
 * its group rules allow, the console's reports. */
static inline bool hd_role_is_staff(Hd__UserRole r)
{
	return r == HD__USER_ROLE__ROLE_AGENT ||
	       r == HD__USER_ROLE__ROLE_ADMIN ||
	       r == HD__USER_ROLE__ROLE_SYSTEM;
}
bool hd_role_is_staff_str(const char *role);
/* agent or admin: a person who works tickets (Zendesk's admins are agents
 * too); unlike hd_role_is_staff, not the suite itself. */
static inline bool hd_role_is_agent(Hd__UserRole r)
{
	return r == HD__USER_ROLE__ROLE_AGENT || r == HD__USER_ROLE__ROLE_ADMIN;
}
bool hd_role_is_agent_str(const char *role);
/* admin or the suite itself: may change settings, rules and other people. */
static inline bool hd_role_is_admin(Hd__UserRole r)
{
	return r == HD__USER_ROLE__ROLE_ADMIN ||
	       r == HD__USER_ROLE__ROLE_SYSTEM;
}

/* Position of a status in Zendesk's status sort (new < open < pending <
 * hold < solved < closed), -1 for "" and unknown words. */
int hd_status_rank(const char *status);
/* Position of a priority in Zendesk's priority sort: 0 for "" (no priority,
 * below low), then low 1, normal 2, high 3, urgent 4; -1 for other words. */
int hd_priority_rank(const char *priority);

#endif
