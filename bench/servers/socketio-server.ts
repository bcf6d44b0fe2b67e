/**
 * A Socket.IO v4 chat server with rooms, written the way a typical Node user would: the
 * comparison floor Socket.IO users get. It has no storage and no authentication on purpose —
 * every message is fire-and-forget fan-out — so hubbub's durable, authenticated path is measured
 * against the least work a Socket.IO deployment does.
 *
 * Run: `PORT=0 node --import tsx bench/servers/socketio-server.ts`. When listening it prints one
 * line, `{"listening":<port>}`, to stdout; SIGTERM stops it.
 *
 * Events: `join(room, ack)` joins the room; `msg(room, text, ack)` emits `msg(text)` to every
 * socket in the room (the sender too), then acks.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/** What clients emit. */
interface ClientEvents {
  join: (room: string, ack: () => void) => void;
  msg: (room: string, text: string, ack: () => void) => void;
}

/** What the server emits. */
interface ServerEvents {
  msg: (text: string) => void;
}

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const httpServer = createServer();
const io = new Server<ClientEvents, ServerEvents>(httpServer, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
});

io.on('connection', (socket) => {
  // The type guards only keep a malformed emit from throwing inside the server.
  socket.on('join', (room, ack) => {
    if (typeof room !== 'string') return;
    void socket.join(room);
    if (typeof ack === 'function') ack();
  });
  socket.on('msg', (room, text, ack) => {
    if (typeof room !== 'string' || typeof text !== 'string') return;
    io.to(room).emit('msg', text);
    if (typeof ack === 'function') ack();
  });
});

httpServer.listen(port, host, () => {
  const address = httpServer.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`${JSON.stringify({ listening: bound })}\n`);
});

process.once('SIGTERM', () => {
  // io.close() disconnects every socket and closes the HTTP server.
  void io.close().then(() => process.exit(0));
});
