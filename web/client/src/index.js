// @signet-id/client: Signet's headless JavaScript client. No DOM and no
// runtime dependency: it runs in browsers, Node 20, React Native and
// Capacitor. The web widget is built on it.
//
//   import { SignetClient } from '@signet-id/client';
//   const c = new SignetClient({ host: 'https://signet.example.com', appId: 'app_…', userId, userHash });
//   const { state } = await c.start();
//   const live = c.live({ message: (m) => …, issue: (i) => …, connected: () => … });

export { SignetClient, memoryStorage } from './client.js';
export { LiveStream } from './stream.js';
export { ApiError } from './api.js';
export { ANONYMOUS, AUTH_FAILED, UNVERIFIED, VERIFIED, failureCause } from './session.js';
export { SSEParser } from './sse.js';
