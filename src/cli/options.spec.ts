import { headersOf, parseDurationArgument } from './options';
import { runCli } from './main';

describe('parseDurationArgument', () => {
  it.each([
    ['1500', 1500],
    ['500ms', 500],
    ['500 milliseconds', 500],
    ['30s', 30_000],
    ['2 seconds', 2000],
    ['5m', 300_000],
    ['5 minutes', 300_000],
    ['1.5h', 5_400_000],
    ['2 hours', 7_200_000],
    ['1d', 86_400_000],
    ['3 days', 259_200_000],
  ])('reads %p as %p ms', (text, ms) => {
    expect(parseDurationArgument(text)).toBe(ms);
  });

  it.each(['5 months', '2 weeks', '1 millenium', 'm5', '', 'soon', '-1s'])('refuses %p', (text) => {
    expect(() => parseDurationArgument(text)).toThrow(/Use milliseconds or a number/);
  });
});

describe('headersOf', () => {
  it('takes WF_HEADERS first and lets -H replace a name in any case, never join it', () => {
    expect(headersOf(['x-team: b', 'Accept: text/plain'], 'X-Team: a; Authorization: Bearer t')).toEqual({ 'x-team': 'b', Authorization: 'Bearer t', Accept: 'text/plain' });
  });

  it.each([
    ['a space in the name', 'Bad Name: x', /Header name "Bad Name"/],
    ['no colon', 'Authorization', /must look like "Name: value"/],
    ['a character beyond Latin-1', 'X-Name: 名前', /beyond Latin-1/],
  ])('refuses %s as a usage error', (_label, header, message) => {
    expect(() => headersOf([header], undefined)).toThrow(message);
  });
});

describe('runCli usage errors', () => {
  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const output = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(text), color: false };
    const code = await runCli(argv, { environment: {}, output });
    return { code, text: lines.join('\n') };
  };

  it('print the help of the command that was run, whatever words its values hold', async () => {
    const { code, text } = await run('instances', 'list', '-w', 'list', '-b', 'ftp://x');
    expect(code).toBe(2);
    expect(text).toContain('--base-url must be an http(s) URL');
    expect(text).toMatch(/Usage: wf instances list/);
  });

  it('refuse --follow with newest-first order', async () => {
    const { code, text } = await run('instances', 'logs', '-w', 'a', '-i', 'b', '--follow', '--order', 'desc', '-b', 'http://127.0.0.1:9');
    expect([code, text]).toEqual([2, expect.stringContaining('--follow prints oldest first')]);
  });
});
