/** The memory engines against the shared conformance suites (single node: cross-node cases skipped). */
import { describe } from 'node:test';
import { runBrokerConformance } from '../broker-conformance.test-support.js';
import { runPresenceConformance } from '../presence-conformance.test-support.js';
import { MemoryBroker } from './memory-broker.js';
import { MemoryPresence } from './memory-presence.js';

const singleNode = 'the memory engines serve one node';

describe('MemoryBroker conformance', () => {
  runBrokerConformance(
    () => {
      const broker = new MemoryBroker();
      return Promise.resolve({ broker, cleanup: () => broker.close() });
    },
    { singleNode },
  );
});

describe('MemoryPresence conformance', () => {
  runPresenceConformance(
    ({ graceMs }) => {
      const presence = new MemoryPresence({ graceMs });
      return Promise.resolve({ presence, cleanup: () => presence.close() });
    },
    { singleNode },
  );
});
