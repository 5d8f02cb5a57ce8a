// The SDK API client: JSON requests to the Signet host, errors as ApiError,
// and the session-expiry rule: a 401 session_expired / session_revoked /
// unauthenticated makes the client log in again (once, shared by every request
// that failed meanwhile) and retry the request once.
//
// The session token lives in memory here; it is never logged.

import { isSessionError } from './session.js';
import { parseRetryAfter } from './util.js';

export class ApiError extends Error {
  /**
   * @param {number} status 0 for a network failure
   * @param {string} code the server's error code, or 'network' / 'bad_response'
   * @param {number} [retryAfter] seconds, for 429
   */
  constructor(status, code, message, retryAfter) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.handled = false; // set when the widget already showed what it means
  }
}

/** The ApiError a non-2xx response stands for. */
export async function errorFrom(res) {
  let code = 'http_' + res.status;
  let message = '';
  try {
    const j = await res.json();
    if (j && j.error && typeof j.error.code === 'string') {
      code = j.error.code;
      message = String(j.error.message || '');
    }
  } catch {
    /* not JSON: keep the status */
  }
  const ra = res.status === 429 ? parseRetryAfter(res.headers.get('Retry-After')) : undefined;
  return new ApiError(res.status, code, message, ra);
}

export class Client {
  /**
   * @param {object} o
   * @param {string} o.host the Signet origin, e.g. "https://signet.example.com"
   * @param {string} o.appId
   * @param {typeof fetch} [o.fetch]
   * @param {(failedToken: string, err: ApiError) => Promise<boolean>} [o.reauth]
   *   logs in again and sets client.token; false when it could not (the widget
   *   then shows why); throws on a passing failure (the network, 429, 5xx)
   */
  constructor({ host, appId, fetch: f, reauth }) {
    this.host = host;
    this.appId = appId;
    this.fetch = f || ((...a) => fetch(...a));
    this.reauthFn = reauth;
    this.token = '';
    this.reauthing = null;
  }

  /** One request, no retry. Resolves to the parsed body (null for 204). */
  async raw(method, path, body, token, signal) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    let res;
    try {
      res = await this.fetch(this.host + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        signal,
      });
    } catch (e) {
      if (e && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', 'network error');
    }
    if (!res.ok) throw await errorFrom(res);
    if (res.status === 204) return null;
    try {
      return await res.json();
    } catch {
      throw new ApiError(res.status, 'bad_response', 'unreadable answer');
    }
  }

  /** POST /v1/apps/{app}/login. Sets the token on success. */
  async login(body) {
    const answer = await this.raw('POST', `/v1/apps/${encodeURIComponent(this.appId)}/login`, body);
    if (!answer || typeof answer.session_token !== 'string') throw new ApiError(200, 'bad_response', 'no session token');
    return answer;
  }

  /**
   * Logs in again after `failedToken` stopped working. Concurrent callers share
   * one attempt; a caller whose token was already replaced just retries.
   */
  async reauth(failedToken, err) {
    if (this.token && this.token !== failedToken) return true;
    if (!this.reauthFn) return false;
    if (!this.reauthing) {
      this.reauthing = Promise.resolve()
        .then(() => this.reauthFn(failedToken, err))
        .finally(() => {
          this.reauthing = null;
        });
    }
    return this.reauthing;
  }

  /** A request with the session token; on a session error, log in again and retry once. */
  async call(method, path, body, signal) {
    const token = this.token;
    try {
      return await this.raw(method, path, body, token, signal);
    } catch (e) {
      if (!(e instanceof ApiError) || !isSessionError(e.status, e.code)) throw e;
      if (!(await this.reauth(token, e))) {
        e.handled = true; // the widget shows the outcome (auth-failed screen)
        throw e;
      }
      return this.raw(method, path, body, this.token, signal);
    }
  }
}
