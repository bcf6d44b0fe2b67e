/**
 * The web bundle's stand-in for zod. The app imports helpers (`dmRoomKey`, …) and types from
 * src/protocol, whose modules also build zod schemas at load time; the browser never validates
 * with them (the server does), so the build aliases `zod` to this stub and leaves ~50 kB of
 * schema code out. Any chain of schema builders evaluates to the stub; validating throws.
 */
const refuse = (): never => {
  throw new Error('zod is not bundled in the web app: validate on the server');
};

const stub: unknown = new Proxy(function zodStub() {}, {
  get: (_target, property) => (property === 'parse' || property === 'safeParse' || property === 'parseAsync' ? refuse : stub),
  apply: () => stub,
});

export const z = stub;
export default stub;
