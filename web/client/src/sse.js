// A server-sent-events parser that follows the HTML standard's rules
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream)
// and accepts the stream in chunks split anywhere: inside a line, between the
// \r and \n of a line ending, or inside a UTF-8 sequence (readStream decodes
// with a streaming TextDecoder).

const MAX_LINE = 1 << 20; // a line longer than 1 MiB ends the stream

export class SSEParser {
  /**
   * @param {(event: {type: string, data: string, id: string}) => void} onEvent
   * @param {(text: string) => void} [onComment]
   */
  constructor(onEvent, onComment) {
    this.onEvent = onEvent;
    this.onComment = onComment || (() => {});
    this.buf = '';
    this.cr = false; // the previous chunk ended with \r: skip a leading \n
    this.lastId = '';
    this.retry = null;
    this.type = '';
    this.data = null; // null: no data line since the last dispatch
  }

  /** Feeds decoded text. */
  push(text) {
    let i = 0;
    if (this.cr && text.charCodeAt(0) === 10) i = 1;
    this.cr = false;
    let start = i;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.buf + text.slice(start, i);
      this.buf = '';
      if (c === 13) {
        if (i + 1 === text.length) this.cr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
      this.line(line);
    }
    this.buf += text.slice(start);
    if (this.buf.length > MAX_LINE) throw new Error('event stream line too long');
  }

  line(line) {
    if (line === '') return this.dispatch();
    if (line.charCodeAt(0) === 58 /* : */) return this.onComment(line.slice(1).replace(/^ /, ''));
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data = this.data === null ? value : this.data + '\n' + value;
        break;
      case 'id':
        if (value.indexOf('\0') < 0) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      // other fields are ignored
    }
  }

  dispatch() {
    const { type, data } = this;
    this.type = '';
    this.data = null;
    if (data === null) return; // the standard: no data, no event
    this.onEvent({ type: type || 'message', data, id: this.lastId });
  }
}

/**
 * Reads a fetch() response body into a parser until it ends. An event still
 * incomplete when the stream ends is discarded, as the standard says.
 * @param {ReadableStream<Uint8Array>} body
 * @param {SSEParser} parser
 */
export async function readStream(body, parser) {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (text) parser.push(text);
    }
    const rest = decoder.decode();
    if (rest) parser.push(rest);
  } finally {
    try {
      reader.releaseLock();
    } catch {
      /* already released */
    }
  }
}
