// The presence selector: each state's category (상담 가능, 업무 중, 자리 비움,
// 오프라인) and the seeded states' names.
export default {
  'presence.now': '내 상태: {state}',
  'presence.named': '{name} ({kind})',
  'presence.kind.available': '상담 가능',
  'presence.kind.busy': '업무 중',
  'presence.kind.away': '자리 비움',
  'presence.kind.offline': '오프라인',
  'presence.name.online': '온라인',
  'presence.name.away': '자리 비움',
  'presence.name.offline': '오프라인',
  'presence.name.상담준비': '상담준비',
  'presence.name.통화중': '통화중',
  'presence.name.후처리': '후처리',
  'presence.name.회의': '회의',
  'presence.name.자리비움': '자리비움',
  'presence.name.교육': '교육',
};
