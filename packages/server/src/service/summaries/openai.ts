import { ProfiledError } from '@profiled/core';
import type { ProfessionalFacts } from './facts.ts';
import type { SummaryProvider } from './provider.ts';

export interface OpenAiSettings {
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama), a vLLM or llama.cpp server. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
}

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', de: 'German', fr: 'French', es: 'Spanish', it: 'Italian', pt: 'Portuguese', nl: 'Dutch' };

/**
 * Any OpenAI-compatible chat-completions endpoint. Only the professional facts enter the
 * prompt. A timeout (headers or body) becomes `summary.timeout` (504); any other failure,
 * including a malformed answer or a redirect, `summary.provider_failed` (502). The text
 * returned is untrusted: the caller caps and validates it like any summary.
 */
export function openAiProvider(settings: OpenAiSettings): SummaryProvider {
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  return {
    name: 'openai-compatible',
    async generate(facts: ProfessionalFacts, language: string) {
      const body = {
        model: settings.model,
        temperature: 0.7,
        max_tokens: 400,
        messages: [
          {
            role: 'system',
            content: `You write short professional profile summaries for a member directory, in ${LANGUAGE_NAMES[language] ?? 'English'}, as Markdown: two to four sentences, third person, factual, no invented details, no headings, no HTML.`,
          },
          { role: 'user', content: `Write the summary from these facts (JSON):\n${JSON.stringify(facts)}` },
        ],
      };
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}) },
          body: JSON.stringify(body),
          // A redirect is a failure, never followed: a 307/308 would re-send the prompt to
          // wherever the answer points (OWASP API10).
          redirect: 'error',
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (err) {
        throw failure(err);
      }
      let payload: unknown;
      try {
        // The timeout covers the body too: an answer that never ends is a timeout, not a failure.
        payload = await res.json();
      } catch (err) {
        throw failure(err);
      }
      const content = (payload as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]?.message?.content;
      if (!res.ok || typeof content !== 'string' || content.trim() === '') {
        throw new ProfiledError('summary.provider_failed', { message: `The summary provider answered ${res.status} without a usable text.` });
      }
      return content;
    },
  };
}

/** A fetch or body-read error as the catalogue error it stands for. */
const failure = (err: unknown) => ((err as Error).name === 'TimeoutError' ? new ProfiledError('summary.timeout') : new ProfiledError('summary.provider_failed', { cause: err }));
