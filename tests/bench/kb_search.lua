-- wrk script: anonymous article searches (as help center visitors make
-- them), cycling through Korean and English queries of one to three words.
local queries = {
  "배송 지연", "환불", "쿠폰 등록 방법", "비밀번호", "결제 오류", "회원 탈퇴",
  "포인트 소멸", "교환 신청", "refund", "shipping tracking", "password reset",
  "api rate limit", "invoice billing", "subscription cancel", "해외배송 관세",
  "gift card balance",
}
search_cycle(queries, "per_page=10&", "")
