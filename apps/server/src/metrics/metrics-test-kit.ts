/**
 * The value of one series in Prometheus text, e.g.
 * `interview_connections{channel="main"}`; undefined when it is absent.
 * Tests read the exposition as a scraper would rather than prom-client's objects.
 */
export function sampleValue(exposition: string, series: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
