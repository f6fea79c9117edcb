import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { HttpClientOptions } from '../client/workflows-http-client';
import { UsageError } from './exit-codes';

/** The options every command takes, as commander hands them over. */
export interface GlobalOptions {
  baseUrl?: string;
  header: string[];
  timeout: number;
  retries: number;
  retryDelay: number;
  json?: boolean;
}

/** What the environment contributes: `WF_BASE_URL`, `WF_HEADERS` (`Name: value` pairs separated by `;`). */
export interface CliEnvironment {
  WF_BASE_URL?: string;
  WF_HEADERS?: string;
  NO_COLOR?: string;
}

export function parseInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Not a whole number.');
  return Number(value);
}

const MS_PER = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Every spelling of a unit that is accepted, whole words only: `5 months` is no `5m`. */
const DURATION_UNITS: Record<string, number> = {
  ...Object.fromEntries(['ms', 'msec', 'msecs', 'millisecond', 'milliseconds'].map((u) => [u, MS_PER.ms])),
  ...Object.fromEntries(['s', 'sec', 'secs', 'second', 'seconds'].map((u) => [u, MS_PER.s])),
  ...Object.fromEntries(['m', 'min', 'mins', 'minute', 'minutes'].map((u) => [u, MS_PER.m])),
  ...Object.fromEntries(['h', 'hr', 'hrs', 'hour', 'hours'].map((u) => [u, MS_PER.h])),
  ...Object.fromEntries(['d', 'day', 'days'].map((u) => [u, MS_PER.d])),
};

/** `1500`, `30s`, `5m`, `2h`, `1d`, `5 minutes`: milliseconds. */
export function parseDurationArgument(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const perUnit = match ? (match[2] === '' ? MS_PER.ms : DURATION_UNITS[match[2].toLowerCase()]) : undefined;
  if (!match || perUnit === undefined) throw new InvalidArgumentError('Use milliseconds or a number with ms, s, m, h or d (e.g. 30s, 5 minutes).');
  return Math.round(Number(match[1]) * perUnit);
}

/** Parses a JSON argument, naming the option when it is not JSON. */
export function parseJsonArgument(option: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${option} is not valid JSON: ${(error as Error).message}`);
  }
}

export function readJsonFile(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The headers to send: `WF_HEADERS` first, then each `-H`; a later header of the same name
 * (case-insensitively) replaces an earlier one, never joins it.
 */
export function headersOf(fromFlags: string[], fromEnvironment: string | undefined): Record<string, string> {
  const headers = new Map<string, [string, string]>();
  const lines = [...(fromEnvironment ?? '').split(';'), ...fromFlags];
  for (const line of lines) {
    if (!line.trim()) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`Header "${line}" must look like "Name: value"`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    // What fetch would refuse, refused here as a usage error (not retried as if the network failed).
    if (!HEADER_NAME.test(name)) throw new UsageError(`Header name "${name}" may only hold letters, digits and !#$%&'*+.^_\`|~-`);
    if (!HEADER_VALUE.test(value)) throw new UsageError(`The value of header "${name}" may not hold line breaks or characters beyond Latin-1`);
    headers.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(headers.values());
}

export function clientOptions(options: GlobalOptions, environment: CliEnvironment): HttpClientOptions {
  const baseUrl = options.baseUrl ?? environment.WF_BASE_URL;
  if (!baseUrl) throw new UsageError('Give the API base URL with --base-url or WF_BASE_URL (e.g. http://localhost:3000/api/workflows)');
  if (!/^https?:\/\//.test(baseUrl)) throw new UsageError(`--base-url must be an http(s) URL, got "${baseUrl}"`);
  return {
    baseUrl,
    headers: headersOf(options.header, environment.WF_HEADERS),
    timeoutMs: options.timeout,
    retries: options.retries,
    retryDelayMs: options.retryDelay,
  };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
