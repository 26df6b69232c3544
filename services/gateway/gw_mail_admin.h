/* E-mail templates, survey and mail settings (mail_admin.c) and the
 * satisfaction survey page (csat_page.c): what the gateway answers for
 * notifications' mail settings and for a survey link. */
#ifndef GW_MAIL_ADMIN_H
#define GW_MAIL_ADMIN_H

#include "gateway.h"
#include "gw_shared.h"
#include "mail_admin.pb-c.h"

/* The API object of one template version; new reference. */
json_t *gw_email_template_json(const gw_req *r, const Hd__MailTemplate *m);

extern const gw_route gw_mail_admin_routes[];
extern const gw_route gw_csat_page_routes[];

#endif
