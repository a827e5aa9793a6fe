import pino, { type DestinationStream, type Logger } from 'pino';

const SECRET_QUERY = /([?&](?:access_token|refresh_token|id_token_hint|id_token|code|code_verifier|password|client_secret|token)=)[^&#]*/gi;

/** A URL with every secret-bearing query value replaced, for logs. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/**
 * JSON logs with request ids. Credentials never reach a log line: the Authorization and
 * Cookie headers and secret query parameters are redacted, request bodies are not logged.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
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
    },
    // Buffered asynchronous writes keep logging off the request's path; the buffer is
    // flushed on shutdown (a kill -9 can lose the last few lines, never data).
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096 }),
  );
}
