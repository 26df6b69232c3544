/* Who may do what with assignment and presence (defence in depth: the
 * gateway checks too). Each returns HD_OK or HD_E_FORBIDDEN with rep set. */
#ifndef ROUTING_ASSIGN_AUTH_H
#define ROUTING_ASSIGN_AUTH_H

#include "hd/err.h"
#include "hd/rpc.h"

static inline int as_need_admin(const hd_principal *p, hd_rpc_rep *rep)
{
	if (hd_role_is_admin(p->role))
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL, "admins only");
}

static inline int as_need_staff(const hd_principal *p, hd_rpc_rep *rep)
{
	if (p->role == HD__USER_ROLE__ROLE_AGENT)
		return HD_OK;
	return as_need_admin(p, rep) == HD_OK
		       ? HD_OK
		       : hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				     "agents and admins only");
}

/* An agent acting on itself, or an admin on anyone. */
static inline int as_need_self_or_admin(const hd_principal *p, uint64_t who,
					hd_rpc_rep *rep)
{
	if (p->role == HD__USER_ROLE__ROLE_AGENT && p->user_id == who)
		return HD_OK;
	return as_need_admin(p, rep) == HD_OK
		       ? HD_OK
		       : hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				     "agents change only their own; admins "
				     "anyone's");
}

#endif
