/** Whole minutes of a TimeSpan as .NET writes it in JSON ([d.]hh:mm:ss[.fffffff]), a started minute counted; null if it is none. */
export function timeSpanMinutes(value: string | null | undefined): number | null {
  const match = value?.match(/^(?:(\d+)\.)?(\d+):(\d+):(\d+)/);
  if (!match) {
    return null;
  }
  return Number(match[1] ?? 0) * 1440 + Number(match[2]) * 60 + Number(match[3]) + (Number(match[4]) > 0 ? 1 : 0);
}
