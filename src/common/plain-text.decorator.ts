import { ValidateBy } from 'class-validator';

/** C0 controls and DEL (tab and newline included), as the ranges of a character class. */
const CONTROLS = '\\u0000-\\u001f\\u007f';
/** The same but tab and newline, for a multiline field. */
const CONTROLS_EXCEPT_TAB_AND_NEWLINE = '\\u0000-\\u0008\\u000b-\\u001f\\u007f';
/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make
 * text display in another order than it is stored ("Trojan Source", CVE-2021-42574). The marks
 * U+200E and U+200F, which right-to-left text needs, stay allowed.
 */
const BIDI_CONTROLS = '\\u202a-\\u202e\\u2066-\\u2069';

const refused = (multiline: boolean) => `${multiline ? CONTROLS_EXCEPT_TAB_AND_NEWLINE : CONTROLS}${BIDI_CONTROLS}`;
const ONE_LINE_REFUSED = new RegExp(`[${refused(false)}]`, 'u');
const MULTILINE_REFUSED = new RegExp(`[${refused(true)}]`, 'u');

/**
 * The JSON-schema `pattern` of the strings PlainText accepts, for a body schema compiled beside
 * the decorators (see body-schema.decorator.ts): the same characters, from the same ranges.
 */
export const plainTextPattern = ({ multiline = false }: { multiline?: boolean } = {}) => `^[^${refused(multiline)}]*$`;

/**
 * Refuses a string holding NUL or another C0 control character, or a bidirectional override,
 * with a message naming the field. The value is refused, never cleaned: stored data is what the
 * client sent. A value of another type passes, for IsString to report.
 * @param multiline allows tab and newline (a free-text field such as a banner's `info`).
 */
export const PlainText = ({ multiline = false }: { multiline?: boolean } = {}) =>
  ValidateBy({
    name: 'plainText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !(multiline ? MULTILINE_REFUSED : ONE_LINE_REFUSED).test(value),
      defaultMessage: () =>
        multiline
          ? '$property must not contain control characters other than tab and newline, nor bidirectional overrides'
          : '$property must not contain control characters (tab and newline included) nor bidirectional overrides',
    },
  });
