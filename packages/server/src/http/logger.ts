import pino, { type DestinationStream, type Logger } from 'pino';

const SECRET_QUERY = /([?&](?:access_token|refresh_token|id_token_hint|id_token|code|code_verifier|password|client_secret|token)=)[^&#]*/gi;

/** A URL with every secret-bearing query value replaced, for logs. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** How long a line may wait in the write buffer of an idle server. */
const FLUSH_EVERY_MS = 500;

/**
 * JSON logs with request ids. Credentials never reach a log line: the Authorization and
 * Cookie headers and secret query parameters are redacted, request bodies are not logged.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  // Buffered asynchronous writes keep logging off the request's path. The buffer is written
  // when it holds 4 KiB, every half second (an idle server's last line must not wait for more
  // traffic, or a kill -9 loses it), at once after an error or fatal line, and on shutdown.
  const own = destination ? undefined : pino.destination({ dest: 1, sync: false, minLength: 4096 });
  if (own) setInterval(() => flushQuietly(own), FLUSH_EVERY_MS).unref();
  return pino(
    {
      level,
      base: { service: 'profiled' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', '*.password', '*.new_password', '*.current_password', '*.refresh_token', '*.access_token'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string; ip?: string; headers?: Record<string, unknown> }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.ip,
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
      hooks: {
        logMethod(args, method, lineLevel) {
          method.apply(this, args);
          if (own && lineLevel >= pino.levels.values['error']!) flushQuietly(own);
        },
      },
    },
    own ?? destination!,
  );
}

function flushQuietly(dest: ReturnType<typeof pino.destination>): void {
  try {
    dest.flush();
  } catch {
    // not open yet, or already closed at exit: the next flush or the shutdown writes it
  }
}
