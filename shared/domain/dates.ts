/** Calendar dates as `YYYY-MM-DD` (UTC); entitlements start and end on whole days. */
export type IsoDate = string;

export const toIsoDate = (at: Date): IsoDate => at.toISOString().slice(0, 10);

export function addYears(date: IsoDate, years: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const result = new Date(Date.UTC(y + years, m - 1, d));
  // 29 February plus a year lands on 1 March; keep it on the last day of February instead.
  if (result.getUTCMonth() !== m - 1) result.setUTCDate(0);
  return toIsoDate(result);
}

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * 86_400_000);
}
