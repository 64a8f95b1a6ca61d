import { validateSync } from 'class-validator';
import { PlainText } from './plain-text.decorator';

class Sample {
  @PlainText()
  name?: unknown;

  @PlainText({ multiline: true })
  info?: unknown;
}

function messages(fields: Partial<Sample>): string[] {
  return validateSync(Object.assign(new Sample(), fields)).flatMap((error) => Object.values(error.constraints ?? {}));
}

describe('PlainText', () => {
  it.each(['Summer sale', 'Été 50 %', 'שלום\u200f עולם', '😀', ''])('accepts %j', (value) => {
    expect(messages({ name: value, info: value })).toEqual([]);
  });

  it.each(['\u0000', 'a\u0001b', '\u001b[31m', 'a\u007f', 'a\tb', 'a\nb', 'a\rb', '\u202egnp.exe', 'a\u2066b\u2069'])(
    'refuses %j in a one-line field, naming it',
    (value) => {
      expect(messages({ name: value })).toEqual([expect.stringMatching(/^name must not contain control characters/)]);
    },
  );

  it('allows tab and newline in a multiline field, and nothing else', () => {
    expect(messages({ info: 'line 1\n\tline 2' })).toEqual([]);
    expect(messages({ info: 'a\rb' })).toEqual([expect.stringMatching(/^info must not contain/)]);
    expect(messages({ info: 'a\u0000b' })).toEqual([expect.stringMatching(/^info must not contain/)]);
    expect(messages({ info: 'a\u202eb' })).toEqual([expect.stringMatching(/^info must not contain/)]);
  });

  it('leaves other types to IsString', () => {
    expect(messages({ name: 7, info: null })).toEqual([]);
  });
});
