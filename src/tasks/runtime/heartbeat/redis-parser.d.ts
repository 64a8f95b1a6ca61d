// The part of redis-parser 3 (the RESP reply parser ioredis itself uses) that the heartbeat's
// connection calls; the package ships no types.
declare module 'redis-parser' {
  interface RedisParserOptions {
    /** Each whole reply, in the order Redis sent them. */
    returnReply(reply: unknown): void;
    /** Each error reply (`-ERR …`), in that order too. */
    returnError(error: Error): void;
    /** Bytes that are not RESP: the connection can no longer be read. */
    returnFatalError?(error: Error): void;
  }

  class RedisParser {
    constructor(options: RedisParserOptions);
    /** Parses a chunk read from the socket, calling back for every reply it completes. */
    execute(chunk: Buffer): void;
  }

  export = RedisParser;
}
