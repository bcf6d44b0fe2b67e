/** The hubbub client SDK: typed HTTP and WebSocket clients built on the wire contract. */
export { HubbubError } from './errors.js';
export { HubbubHttp } from './http-client.js';
export type { HistoryPageQuery } from './http-client.js';
export { HubbubSocket, decodeFrame } from './socket-client.js';
export type { ConnectOptions, SocketEvents, WebSocketFactory, WebSocketLike } from './socket-client.js';
