/** The calendar date in Japan (UTC+9, no daylight saving) at an instant: what "today" means for a card. */
export function japanDate(instant: Date = new Date()): string {
  return new Date(instant.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}
