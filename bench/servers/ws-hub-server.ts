/**
 * A minimal broadcast hub on the `ws` package: the floor for Node with no features at all (no
 * authentication, no storage, no batching, no backpressure policy). Rooms are Sets of sockets.
 *
 * Run: `PORT=0 node --import tsx bench/servers/ws-hub-server.ts`. When listening it prints one
 * line, `{"listening":<port>}`, to stdout; SIGTERM stops it.
 *
 * Text frames from clients, JSON:
 * - `{"t":"join","room":R,"id":N}` adds the socket to room R and answers `{"t":"ok","id":N}`;
 * - `{"t":"pub","room":R,"text":S,"id":N}` sends `{"t":"msg","room":R,"text":S}` to every socket
 *   in R (the sender too), then answers `{"t":"ok","id":N}`.
 */
import { WebSocket, WebSocketServer, type RawData } from 'ws';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const rooms = new Map<string, Set<WebSocket>>();

const wss = new WebSocketServer({ host, port, perMessageDeflate: false });

wss.on('connection', (socket) => {
  const joined = new Set<string>();

  socket.on('message', (data: RawData) => {
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const { t, room, text, id } = frame as Record<string, unknown>;
    if (typeof room !== 'string') return;
    if (t === 'join') {
      let members = rooms.get(room);
      if (members === undefined) rooms.set(room, (members = new Set()));
      members.add(socket);
      joined.add(room);
    } else if (t === 'pub' && typeof text === 'string') {
      // Serialised once, to bytes: ws would otherwise encode a string again for every socket.
      const out = Buffer.from(JSON.stringify({ t: 'msg', room, text }));
      for (const member of rooms.get(room) ?? []) {
        if (member.readyState === WebSocket.OPEN) member.send(out, { binary: false });
      }
    } else {
      return;
    }
    socket.send(JSON.stringify({ t: 'ok', id }));
  });

  socket.on('close', () => {
    for (const room of joined) {
      const members = rooms.get(room);
      members?.delete(socket);
      if (members?.size === 0) rooms.delete(room);
    }
  });
});

wss.on('listening', () => {
  const address = wss.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`${JSON.stringify({ listening: bound })}\n`);
});

process.once('SIGTERM', () => {
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
});
