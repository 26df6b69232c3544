"""Generate the search-quality corpus once (articles.json, queries.json).

Run: python3 tests/data/kb/generate.py  — the output is committed; the test
reads the JSON, never this script. Each topic has several distinct
articles; each article = a title, labels and a body built from its own
detail sentence plus steps and closing lines shared across the topic's
language, so ranking has to find the article-specific words among common
support vocabulary. Queries are phrased as customers write, not as titles.
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

# (key, title, labels, detail) per topic; locale per block.
KO = {
    "배송": [
        ("ship-holiday", "명절 연휴 배송 지연 안내", ["배송", "지연"], "설날과 추석 연휴에는 택배 물량이 몰려 배송이 2~3일 지연될 수 있습니다. 연휴 전 마감 시간을 확인하세요."),
        ("ship-remote", "도서산간 지역 배송 지연", ["배송", "도서산간"], "제주도와 울릉도 등 도서산간 지역은 선박 운항 일정에 따라 배송이 늦어지며 추가 배송비가 부과됩니다."),
        ("ship-customs", "해외 직구 상품 통관 지연", ["배송", "통관"], "해외 직구 상품은 세관 통관 심사로 지연될 수 있으며 개인통관고유부호가 정확한지 확인해야 합니다."),
        ("ship-restock", "품절 상품 입고 지연", ["배송", "입고"], "일시 품절된 상품은 입고 예정일 이후 순차 발송되며 입고가 늦어지면 문자로 안내드립니다."),
        ("ship-strike", "택배사 파업으로 인한 배송 중단", ["배송", "파업"], "택배 노조 파업 지역은 집화와 배달이 중단되어 다른 택배사로 전환 발송합니다."),
        ("ship-dawn", "새벽배송 주문 마감 시간", ["배송", "새벽배송"], "밤 11시까지 주문하면 다음 날 아침 7시 전에 문 앞으로 새벽배송됩니다."),
        ("ship-sameday", "당일배송 가능 지역", ["배송", "당일배송"], "서울과 경기 일부 지역은 오후 1시 이전 주문 시 당일배송으로 받을 수 있습니다."),
        ("ship-track", "배송 조회가 안 될 때", ["배송", "조회"], "송장번호가 등록된 뒤 택배사 시스템에 반영되기까지 최대 하루가 걸려 조회가 되지 않을 수 있습니다."),
    ],
    "환불": [
        ("refund-card", "카드 결제 환불 기간", ["환불", "카드"], "신용카드 결제 취소는 카드사 영업일 기준 3~5일 후 승인 취소가 반영되며 청구 할인은 다음 달에 조정됩니다."),
        ("refund-bank", "무통장 입금 환불 계좌 등록", ["환불", "계좌"], "무통장 입금 주문은 환불 받을 예금주 명의의 계좌를 등록해야 하며 등록 후 1영업일 안에 입금됩니다."),
        ("refund-partial", "부분 환불 받는 방법", ["환불", "부분"], "여러 상품 중 일부만 반품하면 사용한 쿠폰 할인 금액을 나누어 계산한 부분 환불이 진행됩니다."),
        ("refund-denied", "환불이 거절되는 경우", ["환불", "거절"], "상품 택을 제거했거나 사용 흔적이 있으면 환불이 거절될 수 있으며 검수 사진을 보내드립니다."),
        ("refund-point", "포인트로 결제한 주문 환불", ["환불", "포인트"], "포인트로 결제한 금액은 현금이 아닌 포인트로 복원되며 유효기간이 지난 포인트는 소멸됩니다."),
    ],
    "교환": [
        ("exch-size", "사이즈 교환 신청", ["교환", "사이즈"], "사이즈가 맞지 않으면 수령 후 7일 안에 같은 상품의 다른 사이즈로 교환을 신청할 수 있습니다."),
        ("exch-color", "색상 교환 가능 여부", ["교환", "색상"], "색상 교환은 재고가 있는 경우에만 가능하며 모니터 해상도에 따른 색상 차이는 교환 사유가 아닙니다."),
        ("exch-defect", "불량 상품 교환", ["교환", "불량"], "파손이나 오염 등 불량 상품은 사진을 첨부해 접수하면 왕복 배송비 없이 새 상품으로 교환해 드립니다."),
        ("exch-fee", "교환 배송비 안내", ["교환", "배송비"], "단순 변심으로 교환하면 왕복 배송비 6,000원을 부담해야 하며 교환 신청 시 결제합니다."),
        ("exch-pickup", "교환 상품 회수 일정", ["교환", "회수"], "교환 접수 후 택배 기사가 2영업일 안에 방문해 상품을 회수하며 회수 전에 포장해 두세요."),
    ],
    "결제": [
        ("pay-declined", "카드 승인 실패 오류", ["결제", "오류"], "카드 승인이 거절되면 한도, 유효기간, 해외 결제 차단 여부를 카드사에 확인해 주세요."),
        ("pay-easy", "카카오페이 네이버페이 결제 오류", ["결제", "간편결제"], "간편결제 앱이 최신 버전이 아니거나 인증이 만료되면 결제창이 닫히는 오류가 생깁니다."),
        ("pay-double", "이중 결제가 되었어요", ["결제", "이중결제"], "결제 중 새로고침을 하면 이중 결제가 될 수 있으며 중복 승인 건은 자동으로 취소됩니다."),
        ("pay-limit", "결제 한도 초과", ["결제", "한도"], "체크카드는 일일 결제 한도가 정해져 있어 고액 주문은 한도 상향 후 다시 시도해야 합니다."),
        ("pay-installment", "무이자 할부 안내", ["결제", "할부"], "5만원 이상 결제하면 카드사별로 2~6개월 무이자 할부를 이용할 수 있습니다."),
        ("pay-mobile", "휴대폰 소액결제", ["결제", "휴대폰결제"], "휴대폰 소액결제는 통신사 월 한도 안에서 가능하며 당월 취소만 할 수 있습니다."),
        ("pay-foreign", "해외 발급 카드 결제", ["결제", "해외카드"], "해외에서 발급된 비자와 마스터카드는 3D 보안 인증을 거쳐야 결제할 수 있습니다."),
    ],
    "비밀번호": [
        ("pw-email", "비밀번호 재설정 메일이 오지 않아요", ["비밀번호", "메일"], "비밀번호 재설정 메일이 스팸함으로 분류되었는지 확인하고 수신 거부 설정을 해제해 주세요."),
        ("pw-phone", "휴대폰 본인인증으로 비밀번호 찾기", ["비밀번호", "본인인증"], "가입한 휴대폰 번호로 본인인증을 하면 새 비밀번호를 바로 설정할 수 있습니다."),
        ("pw-rules", "비밀번호 설정 규칙", ["비밀번호", "규칙"], "비밀번호는 영문, 숫자, 특수문자를 조합해 10자 이상이어야 하며 아이디와 같을 수 없습니다."),
        ("pw-locked", "로그인 5회 실패로 계정 잠금", ["비밀번호", "잠금"], "비밀번호를 다섯 번 틀리면 계정이 30분 동안 잠기며 본인인증으로 즉시 잠금을 해제할 수 있습니다."),
        ("pw-social", "소셜 로그인 회원의 비밀번호", ["비밀번호", "소셜로그인"], "카카오나 네이버로 가입한 회원은 별도 비밀번호가 없으며 해당 서비스에서 비밀번호를 변경합니다."),
    ],
    "회원": [
        ("leave-how", "회원 탈퇴 방법", ["회원탈퇴"], "마이페이지 설정 메뉴 하단의 회원 탈퇴 버튼을 눌러 탈퇴할 수 있으며 진행 중인 주문이 없어야 합니다."),
        ("leave-rejoin", "탈퇴 후 재가입", ["회원탈퇴", "재가입"], "탈퇴한 아이디로는 30일 동안 재가입할 수 없으며 이전 구매 내역은 복구되지 않습니다."),
        ("leave-points", "탈퇴 시 포인트와 쿠폰 소멸", ["회원탈퇴", "소멸"], "회원 탈퇴를 하면 남은 적립금과 쿠폰이 모두 소멸되며 다시 지급되지 않습니다."),
        ("leave-privacy", "탈퇴 후 개인정보 삭제", ["회원탈퇴", "개인정보"], "탈퇴 즉시 개인정보는 파기되지만 전자상거래법에 따라 거래 기록은 5년간 보관됩니다."),
        ("leave-data-download", "탈퇴 전 구매 내역 내려받기", ["회원탈퇴", "구매내역"], "탈퇴하기 전에 구매 내역과 영수증을 엑셀 파일로 내려받아 보관할 수 있습니다."),
        ("leave-dormant", "휴면 계정 전환과 해제", ["휴면계정"], "1년 동안 로그인하지 않으면 휴면 계정으로 전환되며 로그인 후 본인인증으로 해제합니다."),
    ],
    "쿠폰": [
        ("coupon-register", "쿠폰 등록 방법", ["쿠폰", "등록"], "받은 쿠폰 번호는 마이페이지 쿠폰함에서 16자리 코드를 입력해 등록합니다."),
        ("coupon-expiry", "쿠폰 유효기간", ["쿠폰", "유효기간"], "쿠폰은 발급일로부터 유효기간이 지나면 자동 소멸되며 기간 연장은 불가합니다."),
        ("coupon-stack", "쿠폰 중복 사용", ["쿠폰", "중복"], "상품 쿠폰과 장바구니 쿠폰은 함께 쓸 수 있지만 같은 종류의 쿠폰은 중복 사용할 수 없습니다."),
        ("coupon-birthday", "생일 쿠폰 지급 기준", ["쿠폰", "생일"], "생일 쿠폰은 생년월일을 등록한 회원에게 생일 7일 전에 지급되며 한 달간 사용할 수 있습니다."),
        ("coupon-first", "첫 구매 쿠폰", ["쿠폰", "첫구매"], "신규 회원은 가입 직후 첫 구매 20% 할인 쿠폰을 받으며 앱 첫 주문에만 쓸 수 있습니다."),
        ("coupon-notapplied", "쿠폰이 적용되지 않아요", ["쿠폰", "적용"], "최소 주문 금액을 채우지 못했거나 할인 제외 상품이 포함되면 쿠폰이 적용되지 않습니다."),
    ],
    "포인트": [
        ("point-earn", "포인트 적립 기준", ["포인트", "적립"], "구매 확정 후 결제 금액의 1%가 포인트로 적립되며 등급에 따라 적립률이 달라집니다."),
        ("point-expire", "포인트 소멸 예정 안내", ["포인트", "소멸"], "적립된 포인트는 1년이 지나면 먼저 적립된 순서대로 소멸되며 소멸 30일 전에 알림을 보냅니다."),
        ("point-use", "포인트 사용 방법", ["포인트", "사용"], "포인트는 1,000점 이상부터 주문서에서 현금처럼 사용할 수 있습니다."),
        ("point-review", "리뷰 작성 포인트", ["포인트", "리뷰"], "포토 리뷰를 작성하면 500포인트, 일반 리뷰는 100포인트가 구매 확정 후 지급됩니다."),
        ("point-gift", "포인트 선물하기", ["포인트", "선물"], "보유 포인트는 가족 회원에게 한 달에 한 번 최대 1만 포인트까지 선물할 수 있습니다."),
        ("point-history", "포인트 내역 조회", ["포인트", "내역"], "마이페이지 포인트 메뉴에서 적립, 사용, 소멸 내역을 기간별로 조회할 수 있습니다."),
    ],
    "주문": [
        ("cancel-before", "결제 전 주문 취소", ["주문취소"], "입금 대기 상태의 주문은 마이페이지에서 바로 취소할 수 있으며 7일이 지나면 자동 취소됩니다."),
        ("cancel-preparing", "배송 준비 중 주문 취소", ["주문취소", "배송준비"], "배송 준비 중에는 판매자 확인 후 취소가 가능하며 이미 출고되었다면 반품으로 처리됩니다."),
        ("cancel-preorder", "예약 주문 취소", ["주문취소", "예약"], "예약 판매 상품은 출시일 전까지 취소할 수 있으며 예약금은 전액 환불됩니다."),
        ("cancel-fee", "주문 취소 수수료", ["주문취소", "수수료"], "주문 제작 상품은 제작이 시작된 뒤 취소하면 상품 금액의 10% 취소 수수료가 부과됩니다."),
        ("order-address", "주문 후 배송지 주소 변경", ["배송지", "주소변경"], "출고 전이라면 주문 상세에서 배송지 주소와 연락처를 변경할 수 있습니다."),
        ("order-pickup", "편의점 픽업 서비스", ["배송지", "편의점"], "편의점 픽업을 선택하면 가까운 점포에서 상품을 받을 수 있고 보관 기간은 5일입니다."),
    ],
    "영수증": [
        ("receipt-cash", "현금영수증 발급", ["영수증", "현금영수증"], "무통장 입금 주문은 주문서에서 휴대폰 번호로 현금영수증을 신청하면 국세청에 자동 발급됩니다."),
        ("receipt-tax", "세금계산서 발행 요청", ["영수증", "세금계산서"], "사업자 회원은 사업자등록증을 등록하면 매월 말일 기준으로 세금계산서를 발행해 드립니다."),
        ("receipt-card", "카드 매출전표 출력", ["영수증", "매출전표"], "카드 결제 주문의 매출전표는 주문 상세의 영수증 버튼으로 출력할 수 있습니다."),
    ],
    "반품": [
        ("return-apply", "반품 신청 방법", ["반품", "신청"], "상품 수령 후 7일 안에 주문 상세에서 반품 사유를 선택하고 반품을 신청하세요."),
        ("return-fee", "반품 배송비", ["반품", "배송비"], "고객 변심에 의한 반품은 편도 배송비 3,000원이 환불 금액에서 차감됩니다."),
        ("return-excluded", "반품이 불가능한 상품", ["반품", "불가"], "포장을 개봉한 화장품, 식품, 맞춤 제작 상품은 반품이 불가능합니다."),
        ("return-withdraw", "반품 신청 철회", ["반품", "철회"], "택배 기사가 회수하기 전이라면 주문 상세에서 반품 신청을 철회할 수 있습니다."),
        ("return-inspect", "반품 상품 검수 기간", ["반품", "검수"], "반품 상품이 물류센터에 도착하면 2영업일 안에 검수를 마치고 환불을 진행합니다."),
    ],
    "멤버십": [
        ("member-vip", "VIP 등급 혜택", ["멤버십", "VIP"], "VIP 등급은 무료 배송과 추가 5% 할인 쿠폰을 매달 받을 수 있습니다."),
        ("member-criteria", "멤버십 등급 산정 기준", ["멤버십", "등급"], "등급은 최근 6개월 구매 확정 금액을 기준으로 매월 1일에 다시 산정됩니다."),
        ("member-keep", "등급 유지 조건", ["멤버십", "등급유지"], "등급을 유지하려면 6개월 동안 3회 이상 구매하고 30만원 이상 결제해야 합니다."),
    ],
    "앱": [
        ("app-login", "앱 로그인 오류", ["앱", "로그인"], "앱에서 로그인이 되지 않으면 앱 캐시를 삭제하고 최신 버전으로 업데이트한 뒤 다시 시도하세요."),
        ("app-push", "앱 푸시 알림 설정", ["앱", "알림"], "휴대폰 설정에서 앱 알림 권한을 허용해야 주문과 배송 푸시 알림을 받을 수 있습니다."),
        ("app-crash", "앱이 갑자기 종료돼요", ["앱", "강제종료"], "앱이 강제 종료되면 저장 공간을 확보하고 앱을 삭제 후 재설치해 주세요."),
    ],
    "선물": [
        ("gift-accept", "선물하기 수락 방법", ["선물하기"], "선물을 받은 분이 카카오톡 메시지에서 배송지를 입력해야 선물 수락이 완료됩니다."),
        ("gift-cancel", "보낸 선물 취소", ["선물하기", "취소"], "받는 분이 수락하지 않은 선물은 7일 후 자동 취소되며 보낸 분에게 환불됩니다."),
        ("gift-card", "선물 메시지 카드 작성", ["선물하기", "메시지카드"], "선물 포장 옵션을 선택하면 200자 이내의 손글씨 메시지 카드를 함께 보낼 수 있습니다."),
    ],
    "정기배송": [
        ("sub-change", "정기배송 주기 변경", ["정기배송", "주기"], "정기배송 주기는 2주, 4주, 8주 중에서 다음 결제일 3일 전까지 변경할 수 있습니다."),
        ("sub-skip", "정기배송 한 회 건너뛰기", ["정기배송", "건너뛰기"], "이번 회차가 필요 없으면 건너뛰기를 누르면 결제 없이 다음 회차로 넘어갑니다."),
        ("sub-cancel", "정기배송 해지", ["정기배송", "해지"], "정기배송 해지는 언제든 가능하며 이미 결제된 회차는 정상 발송됩니다."),
    ],
    "리뷰": [
        ("review-write", "상품 리뷰 작성", ["리뷰", "작성"], "구매 확정 후 90일 안에 주문 내역에서 별점과 함께 리뷰를 작성할 수 있습니다."),
        ("review-edit", "리뷰 수정과 삭제", ["리뷰", "수정"], "작성한 리뷰는 30일 안에 한 번 수정할 수 있고 삭제하면 지급된 포인트가 회수됩니다."),
        ("review-photo", "사진 리뷰 등록 오류", ["리뷰", "사진"], "사진은 한 장에 10MB 이하의 JPG나 PNG 파일만 올릴 수 있습니다."),
    ],
    "고객센터": [
        ("cs-hours", "고객센터 운영 시간", ["고객센터", "운영시간"], "고객센터는 평일 오전 9시부터 오후 6시까지 운영하며 점심시간과 공휴일에는 쉽니다."),
        ("cs-chat", "채팅 상담 이용", ["고객센터", "채팅"], "앱과 웹의 채팅 상담 버튼으로 상담원과 실시간 채팅을 할 수 있고 대기 순번을 알려 드립니다."),
        ("cs-email", "이메일 문의 답변 시간", ["고객센터", "이메일"], "이메일 문의는 접수 순서대로 처리되며 보통 하루 안에 답장을 받을 수 있습니다."),
        ("cs-phone", "전화 상담 연결", ["고객센터", "전화"], "대표번호 1588-0000으로 전화하면 ARS 안내에 따라 상담원과 연결됩니다."),
    ],
    "상품": [
        ("prod-restock", "재입고 알림 신청", ["상품", "재입고"], "품절된 상품 페이지의 재입고 알림 버튼을 누르면 입고 즉시 카카오 알림톡으로 알려 드립니다."),
        ("prod-size", "사이즈 추천 받기", ["상품", "사이즈추천"], "키와 몸무게를 입력하면 구매 후기 데이터를 바탕으로 맞는 사이즈를 추천해 드립니다."),
        ("prod-authentic", "정품 인증 확인", ["상품", "정품"], "모든 명품은 검수센터에서 정품 감정을 거치며 정품 보증서가 함께 발송됩니다."),
        ("prod-qna", "상품 문의 답변 확인", ["상품", "상품문의"], "상품 상세의 문의 탭에 남긴 질문은 판매자가 영업일 기준 2일 안에 답변합니다."),
    ],
    "이벤트": [
        ("event-attend", "출석 체크 이벤트", ["이벤트", "출석"], "매일 앱에서 출석 체크를 하면 10포인트가 쌓이고 한 달 개근하면 보너스 쿠폰을 드립니다."),
        ("event-winner", "이벤트 당첨자 발표", ["이벤트", "당첨"], "이벤트 당첨자는 공지사항에 발표되며 당첨 경품은 발표 후 2주 안에 발송됩니다."),
        ("event-raffle", "한정판 래플 응모", ["이벤트", "래플"], "한정판 래플은 1인 1회만 응모할 수 있고 당첨되면 24시간 안에 결제해야 합니다."),
    ],
    "계정": [
        ("acct-findid", "아이디 찾기", ["계정", "아이디"], "가입할 때 등록한 이름과 휴대폰 번호로 아이디 일부를 확인할 수 있습니다."),
        ("acct-email", "이메일 주소 변경", ["계정", "이메일"], "회원 정보 수정에서 새 이메일을 입력하고 인증 메일의 링크를 눌러야 변경이 완료됩니다."),
        ("acct-phone", "휴대폰 번호 변경", ["계정", "휴대폰"], "휴대폰 번호가 바뀌었다면 새 번호로 본인인증을 다시 해야 주문 알림을 받을 수 있습니다."),
        ("acct-marketing", "마케팅 수신 동의 변경", ["계정", "수신동의"], "광고성 문자와 이메일 수신 동의는 마이페이지 알림 설정에서 언제든 철회할 수 있습니다."),
        ("acct-2fa", "2단계 인증 설정", ["계정", "2단계인증"], "로그인할 때 OTP 앱의 인증번호를 한 번 더 입력하도록 2단계 인증을 켤 수 있습니다."),
    ],
    "장바구니": [
        ("cart-keep", "장바구니 보관 기간", ["장바구니"], "장바구니에 담은 상품은 90일 동안 보관되며 최대 100개까지 담을 수 있습니다."),
        ("cart-price", "장바구니 상품 가격 변동", ["장바구니", "가격"], "담아 둔 상품의 가격이 바뀌면 결제 시점의 판매가가 적용됩니다."),
    ],
    "배송비": [
        ("fee-free", "무료배송 조건", ["배송비", "무료배송"], "한 번에 3만원 이상 구매하면 무료배송이며 도서산간 추가 배송비는 별도입니다."),
        ("fee-bundle", "묶음 배송", ["배송비", "묶음배송"], "같은 판매자의 상품은 묶음 배송되어 배송비가 한 번만 부과됩니다."),
        ("fee-cod", "착불 배송 상품", ["배송비", "착불"], "가구와 같은 대형 상품은 착불로 배송되어 받을 때 기사님께 배송비를 지불합니다."),
    ],
    "설치": [
        ("install-schedule", "가전 설치 일정 예약", ["설치", "가전"], "냉장고와 세탁기 같은 대형 가전은 설치 기사 방문 날짜를 주문 후 예약합니다."),
        ("install-fee", "설치비 안내", ["설치", "설치비"], "벽걸이 에어컨은 기본 설치비가 포함되지 않으며 배관 연장 비용이 추가됩니다."),
        ("install-recycle", "폐가전 무상 수거", ["설치", "폐가전"], "새 가전을 설치할 때 같은 종류의 폐가전을 무상으로 수거해 드립니다."),
    ],
    "상품권": [
        ("gc-register", "상품권 등록", ["상품권", "등록"], "모바일 상품권의 PIN 번호를 등록하면 예치금으로 전환되어 결제에 사용할 수 있습니다."),
        ("gc-balance", "상품권 잔액 조회", ["상품권", "잔액"], "예치금 잔액은 마이페이지 예치금 메뉴에서 사용 내역과 함께 확인합니다."),
        ("gc-refund", "상품권 환불", ["상품권", "환불"], "상품권은 잔액이 60% 이상 사용된 경우에만 남은 금액을 현금으로 환불받을 수 있습니다."),
    ],
    "A/S": [
        ("as-free", "무상 수리 기간", ["AS", "무상수리"], "구매일로부터 1년 동안 제품 결함으로 인한 고장은 무상 수리를 받을 수 있습니다."),
        ("as-paid", "유상 수리 비용", ["AS", "유상수리"], "사용자 과실이나 보증 기간이 지난 제품은 부품비와 공임비가 청구되는 유상 수리입니다."),
        ("as-request", "A/S 접수 방법", ["AS", "접수"], "A/S는 서비스센터 방문이나 택배 접수로 신청하며 수리 기간은 보통 7일입니다."),
    ],
    "해외배송": [
        ("intl-duty", "해외배송 관세와 부가세", ["해외배송", "관세"], "해외로 보내는 상품은 도착 국가의 관세와 부가세를 받는 분이 현지에서 납부해야 합니다."),
        ("intl-countries", "해외배송 가능 국가", ["해외배송", "국가"], "미국, 일본, 중국, 캐나다 등 40개 국가로 해외배송이 가능하며 일부 상품은 제외됩니다."),
        ("intl-fee", "해외배송비 계산", ["해외배송", "배송비"], "해외배송비는 상품 무게와 부피를 기준으로 계산되어 주문서에 표시됩니다."),
    ],
}

EN = {
    "shipping": [
        ("en-ship-international", "International shipping times", ["shipping", "international"], "International orders travel by air freight and usually arrive within 7 to 14 business days depending on the destination country."),
        ("en-ship-express", "Express and overnight shipping", ["shipping", "express"], "Choose express at checkout for overnight delivery on orders placed before 2 pm on weekdays."),
        ("en-ship-tracking", "Tracking number not working", ["shipping", "tracking"], "A new tracking number can take up to 24 hours to activate in the carrier system after the label is printed."),
        ("en-ship-pobox", "Shipping to a PO Box", ["shipping", "po box"], "We ship to PO Boxes and APO or FPO military addresses with standard postal service only."),
        ("en-ship-lost", "Lost or stolen package", ["shipping", "lost"], "If the carrier marks a parcel delivered but it is missing, check with neighbours and file a lost package claim within 30 days."),
    ],
    "refunds": [
        ("en-refund-card", "Refund timeline for credit cards", ["refunds", "credit card"], "Refunds to a credit card post within 5 to 10 business days, depending on your bank's processing time."),
        ("en-refund-credit", "Refund as store credit", ["refunds", "store credit"], "You can choose store credit instead of a card refund and receive it instantly with a 10 percent bonus."),
        ("en-refund-partial", "Partial refunds", ["refunds", "partial"], "When only some items of an order come back, the discount is prorated across items and the partial refund reflects it."),
        ("en-refund-digital", "Refunds for digital downloads", ["refunds", "digital"], "Digital downloads and license keys are refundable only if they were never activated or downloaded."),
        ("en-refund-chargeback", "Disputes and chargebacks", ["refunds", "chargeback"], "Opening a chargeback with your bank freezes the order; contact us first so we can resolve the dispute faster."),
    ],
    "account": [
        ("en-acct-email", "Change the email address on your account", ["account", "email"], "Update your login email under Profile settings; we send a confirmation link to the new address before it takes effect."),
        ("en-acct-2fa", "Set up two-factor authentication", ["account", "2fa", "security"], "Enable two-factor authentication with an authenticator app and store the backup codes somewhere safe."),
        ("en-acct-delete", "Delete your account", ["account", "delete"], "Account deletion is permanent: it erases your profile, order history and saved addresses after a 14 day grace period."),
        ("en-acct-merge", "Merge duplicate accounts", ["account", "merge"], "Support can merge duplicate accounts created with different emails; order history moves to the account you keep."),
        ("en-acct-username", "Change your username", ["account", "username"], "Usernames can be changed once every 30 days and the old username becomes available to others."),
    ],
    "billing": [
        ("en-bill-invoice", "Download invoices", ["billing", "invoice"], "Download PDF invoices for every payment from the Billing page; invoices include your company name and tax ID."),
        ("en-bill-method", "Update your payment method", ["billing", "payment method"], "Replace an expired card by adding a new payment method and marking it as the default."),
        ("en-bill-vat", "VAT and sales tax", ["billing", "vat", "tax"], "EU businesses with a valid VAT number are charged under the reverse charge rule and see no VAT on invoices."),
        ("en-bill-renewal", "Failed subscription renewal payment", ["billing", "renewal"], "When a renewal payment fails we retry three times over a week before the subscription is suspended."),
        ("en-bill-currency", "Billing currency", ["billing", "currency"], "Prices are billed in US dollars, euros or Korean won based on the country of your billing address."),
    ],
    "api": [
        ("en-api-ratelimit", "API rate limits", ["api", "rate limit"], "The API allows 700 requests per minute per account; a 429 response carries a Retry-After header telling you when to retry."),
        ("en-api-tokens", "API authentication with tokens", ["api", "token", "authentication"], "Create an API token in the admin console and send it with HTTP Basic authentication as email/token:your_token."),
        ("en-api-webhooks", "Webhook delivery and retries", ["api", "webhooks"], "Webhooks are signed with HMAC SHA256 and retried with exponential backoff for up to 48 hours when your endpoint fails."),
        ("en-api-pagination", "Cursor pagination in the API", ["api", "pagination"], "Use page[size] and follow links.next for cursor pagination; offset pagination stops at 10,000 records."),
        ("en-api-versioning", "API versioning and deprecations", ["api", "versioning"], "Breaking changes ship in a new API version and deprecated endpoints keep working for twelve months."),
        ("en-api-errors", "API error codes 401, 403 and 422", ["api", "errors"], "A 401 means the credentials are wrong, 403 that the user lacks permission, and 422 that a field failed validation."),
        ("en-api-bulk", "Bulk endpoints and job statuses", ["api", "bulk"], "Bulk create and update endpoints accept up to 100 records and return a job status you poll until completed."),
        ("en-api-incremental", "Incremental export API", ["api", "incremental export"], "The incremental export API returns records changed since a start time so you can sync data without scanning everything."),
        ("en-api-sandbox", "Testing in the API sandbox", ["api", "sandbox"], "The sandbox environment mirrors production with test data so you can try requests without real charges."),
    ],
    "password": [
        ("en-pw-expired", "Password reset link expired", ["password", "reset"], "Password reset links expire after one hour; request a new link from the sign in page if yours has expired."),
        ("en-pw-rules", "Password requirements", ["password", "requirements"], "Passwords need at least 12 characters and cannot match any of your previous five passwords."),
        ("en-pw-lockout", "Locked out after failed sign in attempts", ["password", "lockout"], "After ten failed sign in attempts your account is locked for 15 minutes to protect it from guessing."),
        ("en-pw-sso", "Signing in with SSO", ["password", "sso"], "If your company uses single sign-on with SAML or Google Workspace, reset your password with your identity provider."),
    ],
    "subscriptions": [
        ("en-sub-upgrade", "Upgrade your plan", ["subscriptions", "upgrade"], "Upgrades take effect immediately and you pay a prorated amount for the rest of the billing cycle."),
        ("en-sub-downgrade", "Downgrade your plan", ["subscriptions", "downgrade"], "Downgrades apply at the next renewal date and features above the lower plan's limits become read only."),
        ("en-sub-cancel", "Cancel your subscription", ["subscriptions", "cancel"], "Cancel anytime from the Subscription page; you keep access until the end of the paid period."),
        ("en-sub-trial", "Free trial", ["subscriptions", "trial"], "The free trial lasts 14 days, needs no credit card and converts to the free plan when it ends."),
        ("en-sub-annual", "Annual versus monthly billing", ["subscriptions", "annual"], "Paying annually saves two months compared with monthly billing and locks in your price for the year."),
    ],
    "returns": [
        ("en-ret-label", "Print a return label", ["returns", "label"], "Start a return from your order page to get a prepaid return label you can print or show as a QR code."),
        ("en-ret-window", "Return window", ["returns", "window"], "Unworn items can be returned within 30 days of delivery in their original packaging."),
        ("en-ret-size", "Exchange for a different size", ["returns", "exchange"], "Request an exchange for a different size and we ship the replacement as soon as the carrier scans your return."),
        ("en-ret-damaged", "Damaged or defective item", ["returns", "damaged"], "Send photos of a damaged or defective item within 48 hours of delivery and we replace it at no cost."),
    ],
    "privacy": [
        ("en-priv-export", "Export your personal data (GDPR)", ["privacy", "gdpr"], "Request a copy of your personal data under GDPR and receive a downloadable archive within 30 days."),
        ("en-priv-cookies", "Cookie preferences", ["privacy", "cookies"], "Change your cookie preferences at any time from the cookie banner link in the site footer."),
        ("en-priv-unsubscribe", "Unsubscribe from marketing emails", ["privacy", "newsletter"], "Use the unsubscribe link at the bottom of any newsletter to stop marketing emails; order emails still arrive."),
    ],
    "orders": [
        ("en-order-modify", "Modify an order after placing it", ["orders", "modify"], "Orders can be modified for 60 minutes after checkout, before the warehouse starts picking them."),
        ("en-order-confirm", "Order confirmation email missing", ["orders", "confirmation"], "If the order confirmation email did not arrive, check your spam folder and the email address on the order."),
        ("en-order-gift", "Gift wrapping", ["orders", "gift"], "Add gift wrapping at checkout and prices are hidden from the packing slip."),
        ("en-order-cancel", "Cancel an order", ["orders", "cancel"], "Cancel an order from the order page until it ships; after shipping, start a return instead."),
        ("en-order-bulk", "Bulk and wholesale orders", ["orders", "bulk"], "For orders of more than 50 units contact our wholesale team for volume pricing."),
    ],
    "mobile app": [
        ("en-app-crash", "The mobile app keeps crashing", ["mobile app", "crash"], "If the app crashes on launch, update to the latest version and clear the app cache before reinstalling."),
        ("en-app-notify", "Push notifications not arriving", ["mobile app", "notifications"], "Allow notifications for the app in your phone settings and turn off battery optimisation for it."),
        ("en-app-offline", "Offline mode", ["mobile app", "offline"], "Offline mode saves your recent tickets on the device and syncs changes when you reconnect."),
    ],
    "integrations": [
        ("en-int-slack", "Slack integration", ["integrations", "slack"], "Connect Slack to post new ticket alerts to a channel and reply to customers from a Slack thread."),
        ("en-int-salesforce", "Salesforce integration", ["integrations", "salesforce"], "The Salesforce integration syncs accounts and contacts every 15 minutes and shows open tickets on the account page."),
        ("en-int-zapier", "Automate with Zapier", ["integrations", "zapier"], "Use Zapier triggers for new tickets to automate workflows with thousands of other apps without code."),
    ],
    "security": [
        ("en-sec-report", "Report a security vulnerability", ["security", "vulnerability"], "Report vulnerabilities to our bug bounty program by email; we acknowledge reports within two business days."),
        ("en-sec-suspicious", "Suspicious sign in alert", ["security", "suspicious login"], "A suspicious sign in alert means someone logged in from a new device or country; change your password if it was not you."),
        ("en-sec-rotate", "Rotate API keys", ["security", "api keys"], "Rotate API keys regularly by creating a new key, updating your integrations and revoking the old key."),
    ],
    "team": [
        ("en-team-invite", "Invite team members", ["team", "invite"], "Admins invite agents by email from the Team page; invitations expire after seven days."),
        ("en-team-roles", "Agent roles and permissions", ["team", "roles"], "Roles control what agents can see and do, from light agents who only add private notes to full admins."),
        ("en-team-remove", "Remove a team member", ["team", "remove"], "Removing an agent reassigns their open tickets to the group and frees their seat on your plan."),
    ],
    "data": [
        ("en-data-import", "Import users from CSV", ["data", "import", "csv"], "Bulk import users from a CSV file with name, email and organization columns; up to 2,000 rows per file."),
        ("en-data-export", "Export tickets", ["data", "export"], "Export all tickets as JSON or CSV from the admin console; large exports are emailed as a download link."),
        ("en-data-backup", "Backups and data retention", ["data", "backup"], "We back up your data every night, keep backups for 35 days and can restore deleted tickets on request."),
    ],
    "checkout": [
        ("en-co-promo", "Promo code not working", ["checkout", "promo code"], "A promo code fails when it has expired, the cart is below its minimum, or the items are excluded from the promotion."),
        ("en-co-guest", "Guest checkout", ["checkout", "guest"], "You can check out as a guest without creating an account and track the order with the link in your email."),
        ("en-co-applepay", "Pay with Apple Pay or Google Pay", ["checkout", "apple pay"], "Apple Pay and Google Pay appear at checkout on supported devices and browsers."),
        ("en-co-split", "Split a payment across two cards", ["checkout", "split payment"], "You can split one order across two cards or a gift card and a card at the payment step."),
        ("en-co-address", "Address validation errors", ["checkout", "address"], "If address validation rejects your street, pick the suggested format or enter the apartment number on the second line."),
    ],
    "gift cards": [
        ("en-gc-redeem", "Redeem a gift card", ["gift cards", "redeem"], "Enter the 16 digit gift card code and PIN at checkout to apply the balance to your order."),
        ("en-gc-balance", "Check a gift card balance", ["gift cards", "balance"], "Check the remaining balance of a gift card on the gift card page using its number and PIN."),
        ("en-gc-expired", "Expired gift cards", ["gift cards", "expired"], "Our gift cards never expire, but promotional cards given away for free may have an end date."),
    ],
    "warranty": [
        ("en-war-coverage", "What the warranty covers", ["warranty", "coverage"], "The two year limited warranty covers manufacturing defects but not accidental damage or normal wear."),
        ("en-war-claim", "File a warranty claim", ["warranty", "claim"], "File a warranty claim with your serial number and proof of purchase; we send a repair or replacement."),
        ("en-war-extended", "Extended protection plans", ["warranty", "protection plan"], "Extended protection plans add accidental damage cover for up to four years from the purchase date."),
    ],
    "loyalty": [
        ("en-loy-earn", "Earn loyalty points", ["loyalty", "points"], "Members earn one loyalty point per dollar spent and double points during birthday month."),
        ("en-loy-redeem", "Redeem loyalty rewards", ["loyalty", "rewards"], "Redeem 500 points for a 5 dollar reward that you can apply at checkout."),
        ("en-loy-tiers", "Loyalty tiers", ["loyalty", "tiers"], "Silver, Gold and Platinum tiers unlock free shipping and early access to sales as you spend more each year."),
    ],
    "help desk": [
        ("en-hd-status", "Ticket statuses explained", ["help desk", "status"], "Tickets move from new to open, pending while waiting on the customer, and solved; solved tickets close after four days."),
        ("en-hd-macros", "Use macros for common replies", ["help desk", "macros"], "Macros apply a saved reply and field changes in one click, with placeholders like the requester's first name."),
        ("en-hd-sla", "SLA policies", ["help desk", "sla"], "SLA policies set first reply and resolution targets per priority and show a countdown on each ticket."),
        ("en-hd-triggers", "Triggers and automations", ["help desk", "triggers"], "Triggers run when a ticket is created or updated, while automations run hourly on time based conditions."),
        ("en-hd-hours", "Business hours and holidays", ["help desk", "business hours"], "Define business hours and holidays in a schedule so SLA timers pause outside working time."),
        ("en-hd-forward", "Forward support email to the help desk", ["help desk", "email forwarding"], "Forward your support mailbox to your help desk address so every email becomes a ticket."),
    ],
    "localization": [
        ("en-loc-language", "Change the interface language", ["localization", "language"], "Pick your preferred language in profile settings; the help center follows the browser language automatically."),
        ("en-loc-timezone", "Time zone settings", ["localization", "time zone"], "Set the account time zone so reports, business hours and timestamps match your local time."),
        ("en-loc-brands", "Multiple brands", ["localization", "brands"], "Run several brands from one account, each with its own help center, email address and logo."),
    ],
    "reports": [
        ("en-rep-dashboard", "Build a custom dashboard", ["reports", "dashboard"], "Drag widgets onto a custom dashboard to track first reply time, satisfaction and backlog in one place."),
        ("en-rep-schedule", "Schedule reports by email", ["reports", "schedule"], "Schedule any report to be emailed daily, weekly or monthly to a list of recipients as a PDF."),
        ("en-rep-csat", "Customer satisfaction (CSAT) report", ["reports", "csat"], "The CSAT report shows the share of good ratings per agent and group, with comments from customers."),
    ],
}


# (query as a customer types it, key of the article that should rank first)
QUERIES = [
    ("추석 연휴에 주문했는데 배송이 늦어요", "ship-holiday"),
    ("제주도 배송 얼마나 걸리나요", "ship-remote"),
    ("직구 상품 통관이 안 끝나요", "ship-customs"),
    ("송장번호 조회가 안 돼요", "ship-track"),
    ("새벽배송 몇 시까지 주문해야 하나요", "ship-dawn"),
    ("카드 환불 언제 들어오나요", "refund-card"),
    ("무통장 입금 환불 계좌", "refund-bank"),
    ("환불이 거절됐어요 택을 뗐어요", "refund-denied"),
    ("사이즈가 작아서 교환하고 싶어요", "exch-size"),
    ("받은 상품이 파손되어 왔어요 교환", "exch-defect"),
    ("카드 승인이 거절돼요", "pay-declined"),
    ("카카오페이 결제창이 닫혀요", "pay-easy"),
    ("결제가 두 번 됐어요", "pay-double"),
    ("무이자 할부 되나요", "pay-installment"),
    ("비밀번호 재설정 메일이 안 와요", "pw-email"),
    ("비밀번호 다섯 번 틀려서 잠겼어요", "pw-locked"),
    ("회원 탈퇴 어떻게 하나요", "leave-how"),
    ("탈퇴하면 적립금 없어지나요", "leave-points"),
    ("휴면 계정 해제", "leave-dormant"),
    ("쿠폰 번호 등록", "coupon-register"),
    ("생일 쿠폰 언제 주나요", "coupon-birthday"),
    ("쿠폰이 적용이 안 돼요 최소 주문 금액", "coupon-notapplied"),
    ("포인트 소멸 예정", "point-expire"),
    ("포토 리뷰 포인트 얼마", "point-review"),
    ("예약 주문 취소하고 싶어요", "cancel-preorder"),
    ("배송지 주소를 잘못 입력했어요", "order-address"),
    ("현금영수증 신청", "receipt-cash"),
    ("세금계산서 발행해 주세요", "receipt-tax"),
    ("반품 배송비 얼마인가요", "return-fee"),
    ("화장품 개봉했는데 반품 되나요", "return-excluded"),
    ("VIP 혜택이 뭐예요", "member-vip"),
    ("앱이 자꾸 꺼져요", "app-crash"),
    ("정기배송 이번 달 건너뛰기", "sub-skip"),
    ("고객센터 몇 시까지 해요", "cs-hours"),
    ("해외로 보내면 관세는 누가 내요", "intl-duty"),
    ("재입고 알림 받고 싶어요", "prod-restock"),
    ("아이디가 기억이 안 나요", "acct-findid"),
    ("냉장고 설치 날짜 예약", "install-schedule"),
    ("상품권 잔액 확인", "gc-balance"),
    ("무상 수리 기간이 얼마나 되나요", "as-free"),
    ("my package says delivered but it is missing", "en-ship-lost"),
    ("how long does international shipping take", "en-ship-international"),
    ("tracking number not found", "en-ship-tracking"),
    ("when will my credit card refund arrive", "en-refund-card"),
    ("change my login email", "en-acct-email"),
    ("set up 2FA authenticator app", "en-acct-2fa"),
    ("download PDF invoice", "en-bill-invoice"),
    ("API returns 429 too many requests", "en-api-ratelimit"),
    ("webhook retries HMAC signature", "en-api-webhooks"),
    ("password reset link expired", "en-pw-expired"),
    ("cancel subscription", "en-sub-cancel"),
    ("prepaid return label", "en-ret-label"),
    ("GDPR data export request", "en-priv-export"),
    ("promo code not working at checkout", "en-co-promo"),
    ("Slack notifications for new tickets", "en-int-slack"),
    ("SLA first reply target", "en-hd-sla"),
    ("import users from a CSV file", "en-data-import"),
    ("Password Requirements", "en-pw-rules"),
]

KO_STEPS = [
    "자세한 내용은 마이페이지의 주문 내역에서 확인할 수 있습니다.",
    "처리 상태는 알림톡과 이메일로 안내해 드립니다.",
    "문제가 계속되면 1:1 문의를 남겨 주시면 순서대로 답변드립니다.",
    "고객센터 상담원이 확인 후 연락드리겠습니다.",
    "주문 번호를 함께 알려 주시면 더 빠르게 도와드릴 수 있습니다.",
    "앱과 웹 모두에서 같은 방법으로 이용하실 수 있습니다.",
]
EN_STEPS = [
    "You can see the current status on your order page at any time.",
    "We also send updates by email as soon as anything changes.",
    "If the problem continues, contact our support team with your order number.",
    "Our agents answer most requests within one business day.",
    "The same steps work in the mobile app and on the website.",
    "Include screenshots if something looks wrong so we can help faster.",
]


def body(detail, steps, rnd):
    picked = rnd.sample(steps, 2)
    return f"<h2>안내</h2><p>{detail}</p><ul><li>{picked[0]}</li><li>{picked[1]}</li></ul>" if steps is KO_STEPS \
        else f"<h2>Overview</h2><p>{detail}</p><ul><li>{picked[0]}</li><li>{picked[1]}</li></ul>"


def main():
    rnd = random.Random(6)
    articles = []
    for locale, topics, steps in [("ko", KO, KO_STEPS), ("en-us", EN, EN_STEPS)]:
        for topic, items in topics.items():
            for key, title, labels, detail in items:
                articles.append({"key": key, "topic": topic, "locale": locale, "title": title,
                                 "label_names": labels, "body": body(detail, steps, rnd)})
    keys = [a["key"] for a in articles]
    assert len(keys) == len(set(keys))
    with open(os.path.join(HERE, "articles.json"), "w", encoding="utf-8") as f:
        json.dump(articles, f, ensure_ascii=False, indent=1)
    for q, key in QUERIES:
        assert key in keys, key
    with open(os.path.join(HERE, "queries.json"), "w", encoding="utf-8") as f:
        json.dump([{"query": q, "expected": k} for q, k in QUERIES], f, ensure_ascii=False, indent=1)
    print(len(articles), "articles,", len(QUERIES), "queries")


if __name__ == "__main__":
    main()
