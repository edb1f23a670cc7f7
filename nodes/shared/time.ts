/** One day in milliseconds: certificate lifetimes, renewal windows and DigiCert date filters count in days. */
export const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant, in UTC (how DigiCert writes dates). */
export const ymd = (date: Date) => date.toISOString().slice(0, 10);
