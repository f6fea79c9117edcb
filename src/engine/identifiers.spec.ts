import { EngineError } from './errors';
import { assertEventType, assertInstanceId, isValidId, isValidWorkflowName, MAX_ID_LENGTH } from './identifiers';

describe('isValidId (instance ids and event types)', () => {
  it.each([
    ['one letter', 'a'],
    ['one digit', '7'],
    ['a leading underscore', '_x'],
    ['dashes and underscores after the first character', 'order_42-a'],
    ['a trailing dash', 'a-'],
    ['upper case', 'ABC'],
    ['100 characters', 'a'.repeat(100)],
  ])('accepts %s', (_label, id) => {
    expect(isValidId(id)).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    ['a leading dash', '-x'],
    ['a space', 'a b'],
    ['a dot', 'a.b'],
    ['a slash', 'a/b'],
    ['non-ASCII letters', 'é'],
    ['a NUL', 'a\u0000b'],
    ['a newline at the end', 'a\n'],
    ['101 characters', 'a'.repeat(101)],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an array of one id', ['a']],
  ])('refuses %s', (_label, id) => {
    expect(isValidId(id)).toBe(false);
  });

  it('allows exactly MAX_ID_LENGTH (100) characters', () => {
    expect(MAX_ID_LENGTH).toBe(100);
    expect(isValidId('x'.repeat(MAX_ID_LENGTH))).toBe(true);
    expect(isValidId('x'.repeat(MAX_ID_LENGTH + 1))).toBe(false);
  });
});

describe('isValidWorkflowName', () => {
  it.each(['a', 'approval', 'order-v2', 'a_b', '-leading-dash', '0', 'w'.repeat(64)])('accepts %j', (name) => {
    expect(isValidWorkflowName(name)).toBe(true);
  });

  it.each(['', 'w'.repeat(65), 'a b', 'a.b', 'é', 'a/b', 7, null])('refuses %j', (name) => {
    expect(isValidWorkflowName(name)).toBe(false);
  });
});

describe('assertInstanceId and assertEventType', () => {
  function thrown(assert: () => void): EngineError {
    try {
      assert();
    } catch (error) {
      expect(error).toBeInstanceOf(EngineError);
      return error as EngineError;
    }
    throw new Error('nothing was thrown');
  }

  it('pass a valid id', () => {
    expect(() => assertInstanceId('ok-1')).not.toThrow();
    expect(() => assertEventType('ok-1')).not.toThrow();
  });

  it('refuse an invalid id with INVALID_INSTANCE_ID, giving the rule and the value', () => {
    const error = thrown(() => assertInstanceId('bad id'));
    expect(error.code).toBe('INVALID_INSTANCE_ID');
    expect(error.message).toBe("Instance id must be 1-100 characters of letters, digits, '_' and '-', not starting with '-'");
    expect(error.details).toEqual({ value: 'bad id' });
  });

  it('refuse an invalid event type with INVALID_EVENT_TYPE, giving the rule and the value', () => {
    const error = thrown(() => assertEventType(''));
    expect(error.code).toBe('INVALID_EVENT_TYPE');
    expect(error.message).toBe("Event type must be 1-100 characters of letters, digits, '_' and '-', not starting with '-'");
    expect(error.details).toEqual({ value: '' });
  });
});
