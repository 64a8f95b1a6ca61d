import { expect } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { answerClientError } from './http-error.filter';

/** A socket that keeps what is written to it. */
function fakeSocket() {
  const socket = new PassThrough();
  let written = '';
  socket.on('data', (chunk: Buffer) => (written += chunk.toString()));
  socket.on('error', () => undefined);
  return { socket, written: () => written };
}

const parserError = (code: string) => Object.assign(new Error(code), { code });

describe('answerClientError', () => {
  it.each([
    ['HPE_INVALID_HEADER_TOKEN', 400, 'BAD_REQUEST'],
    ['HPE_HEADER_OVERFLOW', 431, 'REQUEST_HEADER_FIELDS_TOO_LARGE'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'REQUEST_TIMEOUT'],
  ])('answers %s with a JSON %d and closes the connection', async (code, status, errorCode) => {
    const sut = fakeSocket();

    answerClientError(parserError(code), sut.socket);
    await new Promise((resolve) => setImmediate(resolve));

    const [head, body] = sut.written().split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toContain('Content-Type: application/json; charset=utf-8');
    expect(JSON.parse(body)).toEqual({ statusCode: status, code: errorCode, message: expect.any(String), requestId: expect.any(String) });
    expect(sut.socket.destroyed).toBe(true);
  });

  it('writes nothing to a connection the client reset', () => {
    const sut = fakeSocket();

    answerClientError(parserError('ECONNRESET'), sut.socket);

    expect(sut.written()).toBe('');
    expect(sut.socket.destroyed).toBe(false);
  });
});
