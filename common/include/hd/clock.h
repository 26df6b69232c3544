/* Two clocks. hd_wall_ms() is the machine's real time, for deadlines,
 * timeouts, caches and retention. hd_now_ms() is business time — created_at,
 * SLA clocks, automations, card expiry — and tests can move it: when
 * HD_CLOCK_FILE names a file, its content (a signed integer of milliseconds)
 * is added to the real time. Every process of the suite reads the same file,
 * so one write moves every service's clock at once without sleeping. Unset
 * (production), hd_now_ms() is hd_wall_ms(). */
#ifndef HD_CLOCK_H
#define HD_CLOCK_H

#include <stdint.h>

/* Milliseconds since the epoch, CLOCK_REALTIME. */
int64_t hd_wall_ms(void);
/* Business time: hd_wall_ms() plus the test offset, if any. */
int64_t hd_now_ms(void);
/* The current test offset in ms (0 when no clock file is configured). */
int64_t hd_clock_offset_ms(void);
/* Point the clock at a file (NULL: none). Called once by hd_svc_main from
 * HD_CLOCK_FILE; tests of single modules may call it directly. */
void hd_clock_use_file(const char *path);
/* Write a new offset into the clock file atomically (tmp + rename);
 * HD_OK or HD_E_IO. For test tools. */
int hd_clock_write_offset(const char *path, int64_t offset_ms);

#endif
