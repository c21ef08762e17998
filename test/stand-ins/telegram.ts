/**
 * A stand-in for the Telegram Bot API's sendMessage that checks the wire format Nudge uses:
 * `POST /bot<token>/sendMessage` (method name case-insensitive) with a JSON body, `chat_id` an
 * integer or `@channelusername` of a known chat, `text` of 1–4096 characters, `parse_mode` one of
 * `HTML`, `MarkdownV2`, `Markdown`, each parsed as Telegram does (HTML: only its tags and entities;
 * MarkdownV2: every reserved character outside an entity escaped with `\`; Markdown: entities
 * closed), refusing what Telegram refuses with `can't parse entities`,
 * and the optional flags with the right types. It answers `{ok: true, result: Message}`; errors are
 * `{ok: false, error_code, description, parameters?}` with the HTTP status mirroring `error_code`.
 * Scripted failures answer the same way (429 with `parameters.retry_after`), or hang up.
 *
 * Telegram itself also accepts GET, query strings, form bodies and numeric strings as chat ids;
 * the stand-in is stricter so that a change in what Nudge sends is noticed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface TelegramChat {
  id: number | string;
  type: 'private' | 'group' | 'supergroup' | 'channel';
}

export interface TelegramMessage {
  method: string;
  headers: IncomingMessage['headers'];
  body: Record<string, any>;
  /** The text as Telegram shows it, markup parsed. */
  text: string;
  messageId: number;
  at: number;
}

export interface TelegramFailure {
  error_code: number;
  description: string;
  retry_after?: number;
  migrate_to_chat_id?: number;
  /** Default: error_code (Telegram mirrors it). */
  httpStatus?: number;
}

export interface TelegramStandIn {
  /** Base URL for NUDGE_CHANNEL_ENDPOINTS (`telegram=<url>`). */
  url: string;
  botToken: string;
  messages: TelegramMessage[];
  rejected: Array<{ status: number; description: string }>;
  failNext(...failures: TelegramFailure[]): void;
  hangUpNext(): void;
  reset(): void;
  close(): Promise<void>;
}

/** Tags Telegram's HTML parse mode understands. */
const HTML_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'tg-emoji', 'code', 'pre', 'blockquote']);

export async function startTelegramStandIn(chats: TelegramChat[]): Promise<TelegramStandIn> {
  const botId = 7012345678;
  const botToken = `${botId}:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw`;
  const messages: TelegramMessage[] = [];
  const rejected: TelegramStandIn['rejected'] = [];
  const script: Array<TelegramFailure | 'hang-up'> = [];
  let nextMessageId = 100;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const refuse = (status: number, description: string) => {
        rejected.push({ status, description });
        reply(res, status, { ok: false, error_code: status, description });
      };
      const path = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
      if (!path) return refuse(404, 'Not Found');
      if (path[1] !== botToken) return refuse(401, 'Unauthorized');
      if (path[2]!.toLowerCase() !== 'sendmessage') return refuse(404, 'Not Found: method not found');
      if (req.method !== 'POST') return refuse(400, 'Bad Request: stand-in expects POST');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return refuse(400, 'Bad Request: stand-in expects a JSON body');
      let body: Record<string, any>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
      } catch {
        return refuse(400, "Bad Request: can't parse JSON");
      }
      if (body.chat_id === undefined || body.chat_id === '') return refuse(400, 'Bad Request: chat_id is empty');
      const validId = Number.isSafeInteger(body.chat_id) || (typeof body.chat_id === 'string' && /^@[A-Za-z]\w{3,31}$/.test(body.chat_id));
      if (!validId) return refuse(400, 'Bad Request: chat not found');
      const chat = chats.find((c) => c.id === body.chat_id);
      if (!chat) return refuse(400, 'Bad Request: chat not found');
      if (typeof body.text !== 'string' || body.text.trim() === '') return refuse(400, 'Bad Request: message text is empty');
      if (body.parse_mode !== undefined && !['HTML', 'MarkdownV2', 'Markdown'].includes(body.parse_mode)) {
        return refuse(400, `Bad Request: unsupported parse_mode "${String(body.parse_mode)}"`);
      }
      let text: string = body.text;
      const parser = body.parse_mode === undefined ? null : PARSERS[body.parse_mode as string]!;
      if (parser) {
        const parsed = parser(body.text);
        if (typeof parsed !== 'string') return refuse(400, `Bad Request: can't parse entities: ${parsed.error}`);
        text = parsed;
      }
      if ([...text].length > 4096) return refuse(400, 'Bad Request: message is too long');
      const lpo = body.link_preview_options;
      if (lpo !== undefined && (typeof lpo !== 'object' || lpo === null || (lpo.is_disabled !== undefined && typeof lpo.is_disabled !== 'boolean'))) {
        return refuse(400, "Bad Request: can't parse link preview options JSON object");
      }
      for (const flag of ['disable_notification', 'protect_content', 'disable_web_page_preview']) {
        if (body[flag] !== undefined && typeof body[flag] !== 'boolean') return refuse(400, `Bad Request: ${flag} must be a boolean`);
      }

      const scripted = script.shift();
      if (scripted === 'hang-up') {
        req.socket.destroy();
        return;
      }
      if (scripted) {
        const parameters: Record<string, number> = {};
        if (scripted.retry_after !== undefined) parameters.retry_after = scripted.retry_after;
        if (scripted.migrate_to_chat_id !== undefined) parameters.migrate_to_chat_id = scripted.migrate_to_chat_id;
        return reply(res, scripted.httpStatus ?? scripted.error_code, {
          ok: false,
          error_code: scripted.error_code,
          description: scripted.description,
          ...(Object.keys(parameters).length ? { parameters } : {}),
        });
      }
      const messageId = nextMessageId++;
      messages.push({ method: path[2]!, headers: req.headers, body, text, messageId, at: Date.now() });
      reply(res, 200, {
        ok: true,
        result: {
          message_id: messageId,
          from: { id: botId, is_bot: true, first_name: 'Nudge Test Bot', username: 'nudge_test_bot' },
          chat: typeof chat.id === 'number' ? { id: chat.id, type: chat.type } : { id: -1009876543210, type: chat.type, username: chat.id.slice(1) },
          date: Math.floor(Date.now() / 1000),
          text,
        },
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    botToken,
    messages,
    rejected,
    failNext: (...f) => script.push(...f),
    hangUpNext: () => script.push('hang-up'),
    reset() {
      messages.length = 0;
      rejected.length = 0;
      script.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Telegram's HTML parse mode, strictly enough for tests: known tags only, properly nested, and `&`
 * only in `&lt;` `&gt;` `&amp;` `&quot;` or numeric entities. Returns the plain text, or the error.
 */
export function parseHtml(html: string): string | { error: string } {
  const open: string[] = [];
  let out = '';
  const bytes = (i: number) => Buffer.byteLength(html.slice(0, i));
  for (let i = 0; i < html.length; ) {
    const ch = html[i]!;
    if (ch === '<') {
      const m = /^<(\/?)([a-z-]+)(\s[^<>]*)?>/.exec(html.slice(i));
      if (!m) return { error: `Unsupported start tag at byte offset ${bytes(i)}` };
      const [tag, closing, name] = [m[0], m[1], m[2]!];
      if (!HTML_TAGS.has(name)) return { error: `Unsupported start tag "${name}" at byte offset ${bytes(i)}` };
      if (closing) {
        if (open.pop() !== name) return { error: `Unexpected end tag at byte offset ${bytes(i)}` };
      } else {
        open.push(name);
      }
      i += tag.length;
      continue;
    }
    if (ch === '&') {
      const m = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);/.exec(html.slice(i));
      if (!m) return { error: `Character '&' at byte offset ${bytes(i)} must be escaped as &amp;` };
      const e = m[1]!;
      out +=
        e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
      i += m[0].length;
      continue;
    }
    if (ch === '>') return { error: `Character '>' at byte offset ${bytes(i)} must be escaped as &gt;` };
    out += ch;
    i++;
  }
  if (open.length > 0) return { error: `Can't find end tag corresponding to start tag "${open[open.length - 1]}"` };
  return out;
}

/** Characters MarkdownV2 reserves outside entities (Bot API, "MarkdownV2 style"). */
const V2_RESERVED = new Set('_*[]()~`>#+-=|{}.!');

/**
 * Telegram's MarkdownV2, strictly enough for tests: `\` escapes any character of code 1–126;
 * `*bold*`, `_italic_`, `__underline__`, `~strike~`, `||spoiler||` must close; `` `code` `` and
 * ```` ```pre``` ```` take `\` escapes; `[text](url)` links; `>` starts a quote at a line start;
 * any other reserved character is refused. Returns the plain text, or Telegram's error.
 */
export function parseMarkdownV2(source: string): string | { error: string } {
  const open: string[] = [];
  let out = '';
  const at = (i: number) => Buffer.byteLength(source.slice(0, i));
  for (let i = 0; i < source.length; ) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined || next.charCodeAt(0) > 126) return { error: `Character '\\' is reserved and must be escaped with the preceding '\\'` };
      out += next;
      i += 2;
      continue;
    }
    if (ch === '`') {
      const fence = source.startsWith('```', i) ? '```' : '`';
      let j = i + fence.length;
      let inner = '';
      while (j < source.length && !source.startsWith(fence, j)) {
        if (source[j] === '\\') {
          inner += source[j + 1] ?? '';
          j += 2;
        } else {
          inner += source[j];
          j++;
        }
      }
      if (j >= source.length) return { error: `Can't find end of Pre/Code entity at byte offset ${at(i)}` };
      out += inner;
      i = j + fence.length;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '~' || (ch === '|' && source[i + 1] === '|')) {
      const marker = ch === '_' && source[i + 1] === '_' ? '__' : ch === '|' ? '||' : ch;
      if (open[open.length - 1] === marker) open.pop();
      else open.push(marker);
      i += marker.length;
      continue;
    }
    if (ch === '[') {
      open.push('[');
      i++;
      continue;
    }
    if (ch === ']' && open[open.length - 1] === '[') {
      open.pop();
      if (source[i + 1] !== '(') return { error: `Character ']' is reserved and must be escaped with the preceding '\\'` };
      let j = i + 2;
      while (j < source.length && source[j] !== ')') j += source[j] === '\\' ? 2 : 1;
      if (j >= source.length) return { error: `Can't find end of a URL at byte offset ${at(i + 2)}` };
      i = j + 1;
      continue;
    }
    if (ch === '>' && (i === 0 || source[i - 1] === '\n')) {
      i++;
      continue;
    }
    if (V2_RESERVED.has(ch)) return { error: `Character '${ch}' is reserved and must be escaped with the preceding '\\'` };
    out += ch;
    i++;
  }
  if (open.length > 0) return { error: `Can't find end of ${open[open.length - 1]} entity` };
  return out;
}

/**
 * Telegram's legacy Markdown: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ```` and
 * `[text](url)` must close; outside them `\` escapes `_ * ` [`. Inside an entity nothing is
 * escaped (the text runs to the closing character). Returns the plain text, or Telegram's error.
 */
export function parseLegacyMarkdown(source: string): string | { error: string } {
  let out = '';
  const at = (i: number) => Buffer.byteLength(source.slice(0, i));
  for (let i = 0; i < source.length; ) {
    const ch = source[i]!;
    if (ch === '\\' && '_*`['.includes(source[i + 1] ?? ' ')) {
      out += source[i + 1];
      i += 2;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '`' || ch === '[') {
      const close = ch === '[' ? '](' : ch === '`' && source.startsWith('```', i) ? '```' : ch;
      const start = i + (close === '```' ? 3 : 1);
      const end = source.indexOf(close, start);
      const urlEnd = ch === '[' && end >= 0 ? source.indexOf(')', end) : end;
      if (end < 0 || urlEnd < 0) return { error: `Can't find end of the entity starting at byte offset ${at(i)}` };
      out += source.slice(start, end);
      i = ch === '[' ? urlEnd + 1 : end + close.length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

const PARSERS: Record<string, (text: string) => string | { error: string }> = {
  HTML: parseHtml,
  MarkdownV2: parseMarkdownV2,
  Markdown: parseLegacyMarkdown,
};
