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

/* mail_settings_json.c: the survey ("csat") or mail settings from the
 * request's object (keys of the wrong JSON type answered 422 into out,
 * NULL), to free with hd__notify_settings__free_unpacked; and the object
 * the API shows for stored settings (new reference; NULL when empty). */
Hd__NotifySettings *gw_settings_from_json(const char *name, json_t *o,
					  gw_resp *out);
json_t *gw_settings_json(const Hd__NotifySettings *s);

extern const gw_route gw_mail_admin_routes[];
extern const gw_route gw_csat_page_routes[];

#endif
