/**
 * A scrape in Prometheus's text format, read into `{ 'name{label="v",…}': value }` (labels as
 * printed, in prom-client's order), for asserting metrics over HTTP.
 */
export function parsePrometheusText(text: string): Record<string, number> {
  const samples: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples[line.slice(0, at)] = Number(line.slice(at + 1));
  }
  return samples;
}
