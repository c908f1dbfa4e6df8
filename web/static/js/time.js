// Converting what someone types into a datetime-local field, which has no
// time zone, into an instant: the field is read as city time, the same zone
// every time on these pages is shown in.
const timeZone = document.querySelector('meta[name="cg-time-zone"]')?.content || 'America/Chicago';

function zoneOffsetMs(instantMs) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(instantMs));
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** "2026-11-21T18:00" in city time -> ISO instant. Two passes settle DST edges. */
export function cityLocalToIso(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return value;
  const wall = Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]);
  let guess = wall - zoneOffsetMs(wall);
  guess = wall - zoneOffsetMs(guess);
  return new Date(guess).toISOString();
}
