// The presence selector: each state's category and the seeded states'
// names (custom states keep the name their admin wrote).
export default {
  'presence.now': 'My status: {state}',
  'presence.named': '{name} ({kind})',
  'presence.kind.available': 'available',
  'presence.kind.busy': 'busy',
  'presence.kind.away': 'away',
  'presence.kind.offline': 'offline',
  'presence.name.online': 'Online',
  'presence.name.away': 'Away',
  'presence.name.offline': 'Offline',
  'presence.name.상담준비': 'Ready',
  'presence.name.통화중': 'On a call',
  'presence.name.후처리': 'After-call work',
  'presence.name.회의': 'Meeting',
  'presence.name.자리비움': 'Away from desk',
  'presence.name.교육': 'Training',
};
