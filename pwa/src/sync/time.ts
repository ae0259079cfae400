/**
 * Timestamps as the server writes them back. msgspec re-encodes a datetime with its own offset,
 * whole seconds without a fraction and UTC as `Z`; writing the same form here keeps the device's
 * canonical hash of a visit equal to the `body_sha256` the server reports.
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time with its UTC offset, e.g. 2026-11-24T10:42:00+01:00. */
export function localTimestamp(at: Date = new Date()): string {
  const offset = -at.getTimezoneOffset();
  const zone =
    offset === 0
      ? 'Z'
      : `${offset > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${localDate(at)}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}${zone}`;
}

/** The local calendar date (a visit late in the evening is still on that day). */
export function localDate(at: Date = new Date()): string {
  return `${pad(at.getFullYear(), 4)}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

export function nowIso(now: number = Date.now()): string {
  return new Date(now).toISOString();
}
