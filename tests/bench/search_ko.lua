-- wrk script: Korean free-text ticket searches (agent, authenticated), one
-- or two words from the bench loader's vocabulary.
wrk.headers["Authorization"] = os.getenv("HD_AUTH")
local queries = {
  "환불 지연", "비밀번호", "해외배송 관세", "쿠폰 오류", "회원 탈퇴", "포인트 소멸",
  "교환 신청", "카드 할부", "택배 송장", "재입고", "결제 승인", "계정 휴면",
}
search_cycle(queries, "", "type:ticket ")
