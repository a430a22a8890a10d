/** A fixed instant so that dates derived from "now" are concrete values in assertions. */
export const NOW = new Date('2025-03-10T12:00:00.000Z');
export const TODAY = '2025-03-10';
export const LATER = new Date('2025-04-01T08:30:00.000Z');

/** The instant `minutes` minutes after `from`. */
export const minutesAfter = (from: Date, minutes: number) => new Date(from.getTime() + minutes * 60_000);
