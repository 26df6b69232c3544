// Korean public holidays for 2026 and 2027, offered as a schedule's starting
// point. Source of truth: the Regulations on Holidays of Government Offices
// (관공서의 공휴일에 관한 규정, with the 2023 amendment that gave
// 부처님오신날 and 성탄절 substitute days) and the lunar dates of the Korea
// Astronomy and Space Science Institute's 월력요항 for 2026 and 2027
// (lunar dates in Korean time: 설날 2027 is 7 Feb, not China's 6 Feb).
// Substitute rule: 설날/추석 연휴 overlapping a Sunday or another holiday,
// and 삼일절, 어린이날, 부처님오신날, 광복절, 개천절, 한글날, 성탄절 on a
// Saturday or Sunday, give the next working day. 현충일 and 신정 have none.
// Election days are public holidays too (2026-06-03 local elections).
// end is inclusive; every date was checked against its weekday by hand.
export const KR_HOLIDAYS = {
  2026: [
    ['신정', '2026-01-01', '2026-01-01'],
    ['설날 연휴', '2026-02-16', '2026-02-18'],
    ['삼일절', '2026-03-01', '2026-03-01'],
    ['대체공휴일(삼일절)', '2026-03-02', '2026-03-02'],
    ['어린이날', '2026-05-05', '2026-05-05'],
    ['부처님오신날', '2026-05-24', '2026-05-24'],
    ['대체공휴일(부처님오신날)', '2026-05-25', '2026-05-25'],
    ['전국동시지방선거', '2026-06-03', '2026-06-03'],
    ['현충일', '2026-06-06', '2026-06-06'],
    ['광복절', '2026-08-15', '2026-08-15'],
    ['대체공휴일(광복절)', '2026-08-17', '2026-08-17'],
    ['추석 연휴', '2026-09-24', '2026-09-26'],
    ['개천절', '2026-10-03', '2026-10-03'],
    ['대체공휴일(개천절)', '2026-10-05', '2026-10-05'],
    ['한글날', '2026-10-09', '2026-10-09'],
    ['성탄절', '2026-12-25', '2026-12-25'],
  ],
  2027: [
    ['신정', '2027-01-01', '2027-01-01'],
    ['설날 연휴', '2027-02-06', '2027-02-08'],
    ['대체공휴일(설날)', '2027-02-09', '2027-02-09'],
    ['삼일절', '2027-03-01', '2027-03-01'],
    ['어린이날', '2027-05-05', '2027-05-05'],
    ['부처님오신날', '2027-05-13', '2027-05-13'],
    ['현충일', '2027-06-06', '2027-06-06'],
    ['광복절', '2027-08-15', '2027-08-15'],
    ['대체공휴일(광복절)', '2027-08-16', '2027-08-16'],
    ['추석 연휴', '2027-09-14', '2027-09-16'],
    ['개천절', '2027-10-03', '2027-10-03'],
    ['대체공휴일(개천절)', '2027-10-04', '2027-10-04'],
    ['한글날', '2027-10-09', '2027-10-09'],
    ['대체공휴일(한글날)', '2027-10-11', '2027-10-11'],
    ['성탄절', '2027-12-25', '2027-12-25'],
    ['대체공휴일(성탄절)', '2027-12-27', '2027-12-27'],
  ],
};

// The holidays of `years` as an iCalendar text for the import endpoint
// (DTEND exclusive, as RFC 5545 all-day events are); the server skips the
// ones a schedule already has.
export function krIcs(years) {
  const next = (d) => {
    const x = new Date(`${d}T00:00:00Z`);
    x.setUTCDate(x.getUTCDate() + 1);
    return x.toISOString().slice(0, 10);
  };
  const compact = (d) => d.replaceAll('-', '');
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hana Desk//KR holidays//KO'];
  for (const y of years) {
    for (const [name, a, b] of KR_HOLIDAYS[y] || []) {
      lines.push('BEGIN:VEVENT', `UID:kr-${a}-${compact(b)}@hana-desk`, `DTSTART;VALUE=DATE:${compact(a)}`,
        `DTEND;VALUE=DATE:${compact(next(b))}`, `SUMMARY:${name}`, 'END:VEVENT');
    }
  }
  lines.push('END:VCALENDAR');
  return lines.join('\r\n') + '\r\n';
}
