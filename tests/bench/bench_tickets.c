/* Synthetic bench tickets: see bench_tickets.h. */
#include "bench_tickets.h"

static const char *const words[] = {
	"배송",   "환불",   "교환",     "결제",     "쿠폰",     "포인트",
	"주문",   "취소",   "반품",     "회원",     "탈퇴",     "비밀번호",
	"로그인", "계정",   "영수증",   "정기배송", "선물하기", "리뷰",
	"상품권", "멤버십", "해외배송", "통관",     "관세",     "택배",
	"송장",   "지연",   "오류",     "변경",     "조회",     "신청",
	"수수료", "적립",   "소멸",     "등록",     "재입고",   "품절",
	"사이즈", "색상",   "불량",     "파손",     "할부",     "카드",
	"계좌",   "입금",   "승인",     "한도",     "인증",     "휴면",
	"알림",   "설치",   "수리",     "보증",     "이벤트",   "당첨"};
#define NWORDS (sizeof words / sizeof *words)
static const char *const prio[] = {"low", "normal", "high", "urgent"};

/* splitmix64: a good spread from consecutive n. */
static uint64_t mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

int bt_ticket_json(hd_buf *b, uint64_t n)
{
	uint64_t r = mix(n);
	int rc =
		hd_buf_printf(b, "{\"ticket\":{\"subject\":\"%s %s 문의 %llu\"",
			      words[r % NWORDS], words[(r >> 8) % NWORDS],
			      (unsigned long long)n);
	rc = rc ? rc : hd_buf_puts(b, ",\"comment\":{\"body\":\"");
	for (int i = 0; i < 8 && !rc; i++)
		rc = hd_buf_printf(b, "%s%s", i ? " " : "",
				   words[mix(r + (uint64_t)i) % NWORDS]);
	return rc ? rc
		  : hd_buf_printf(b,
				  " 확인 부탁드립니다\"},\"priority\":\"%s\","
				  "\"tags\":[\"bench_%02u\"]}}",
				  prio[(r >> 16) % 4],
				  (unsigned)((r >> 24) % BT_TAGS));
}
