import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { BrokerMessage } from '../../core/broker.js';
import { decodeBrokerMessage, encodeBrokerMessage } from './broker-codec.js';

const roundTrip = (message: BrokerMessage, nodeId = 'node-1'): void => {
  assert.deepEqual(decodeBrokerMessage(encodeBrokerMessage(nodeId, message)), { nodeId, message });
};

describe('broker codec', () => {
  it('round-trips every kind of message', () => {
    const messages: BrokerMessage[] = [
      { kind: 'room', room: 'lobby', seq: 42, frame: '{"type":"message","seq":42}' },
      { kind: 'room', room: 'lobby', seq: 0, frame: '{"type":"typing"}', exceptUserId: 7, volatile: true },
      { kind: 'room', room: 'lobby', seq: 0, frame: '{}', volatile: false },
      { kind: 'room', room: 'lobby', seq: 0, frame: '{}', exceptUserId: 0 },
      { kind: 'room', room: '', seq: 0, frame: '' },
      { kind: 'membership', userId: 3, room: 'lobby', roomId: 9, action: 'joined', lastSeq: 7 },
      { kind: 'membership', userId: 3, room: 'lobby', roomId: 9, action: 'left', lastSeq: 0 },
      { kind: 'presence', userId: 5, username: 'zoë', status: 'online', rooms: ['lobby', 'dev'] },
      { kind: 'presence', userId: 5, username: 'zoë', status: 'offline', rooms: [] },
      { kind: 'presence', userId: 5, username: 'zoë', status: 'online', availability: 'dnd', rooms: ['lobby'] },
      { kind: 'presence', userId: 5, username: 'zoë', status: 'online', availability: 'away', self: true, rooms: [] },
    ];
    for (const message of messages) roundTrip(message);
  });

  it('keeps frames and room keys with newlines, pipes and unicode intact', () => {
    roundTrip({ kind: 'room', room: 'a|b\nc', seq: 1, frame: 'line 1\nline 2|pipe\r\n\u0000 ✓ 🎉 "quoted"\n' });
    roundTrip({ kind: 'membership', userId: 1, room: '|\n|', roomId: 2, action: 'joined', lastSeq: 3 });
    roundTrip({ kind: 'presence', userId: 1, username: 'a|b\nc', status: 'online', rooms: ['x\ny', '|'] });
  });

  it('drops an availability it does not know, keeping the presence change', () => {
    const wire = 'p|n1\n{"userId":5,"username":"z","status":"online","availability":"asleep","rooms":["a"]}';
    assert.deepEqual(decodeBrokerMessage(wire)?.message, { kind: 'presence', userId: 5, username: 'z', status: 'online', rooms: ['a'] });
  });

  it('sends a room frame as it is, after a one-line header', () => {
    const frame = '{"type":"message","text":"hi"}';
    const wire = encodeBrokerMessage('n1', { kind: 'room', room: 'lobby', seq: 3, frame });
    assert.equal(wire, `r|n1|3|||"lobby"\n${frame}`);
  });

  it('round-trips arbitrary room broadcasts', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            room: fc.string({ unit: 'binary' }),
            seq: fc.nat(),
            frame: fc.string({ unit: 'binary' }),
            exceptUserId: fc.nat(),
            volatile: fc.boolean(),
          },
          { requiredKeys: ['room', 'seq', 'frame'] },
        ),
        (fields) => roundTrip({ kind: 'room', ...fields }),
      ),
    );
  });

  it('round-trips arbitrary membership and presence changes', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string({ unit: 'binary' }), fc.nat(), fc.boolean(), fc.nat(), (userId, room, roomId, joined, lastSeq) =>
        roundTrip({ kind: 'membership', userId, room, roomId, action: joined ? 'joined' : 'left', lastSeq }),
      ),
    );
    fc.assert(
      fc.property(fc.nat(), fc.string({ unit: 'binary' }), fc.boolean(), fc.array(fc.string({ unit: 'binary' })), (userId, username, online, rooms) =>
        roundTrip({ kind: 'presence', userId, username, status: online ? 'online' : 'offline', rooms }),
      ),
    );
  });

  it('refuses to encode what it could not decode', () => {
    assert.throws(() => encodeBrokerMessage('n', { kind: 'room', room: 'r', seq: -1, frame: '' }), RangeError);
    assert.throws(() => encodeBrokerMessage('n', { kind: 'room', room: 'r', seq: 1.5, frame: '' }), RangeError);
  });

  it('drops what it cannot read', () => {
    for (const wire of [
      '',
      'x|n|1',
      'r|n|1|||"lobby"', // no frame line
      'r|n|-1|||"lobby"\n{}',
      'r|n|1|x||"lobby"\n{}',
      'r|n|1||2|"lobby"\n{}',
      'r|n|1|||lobby\n{}', // room not JSON
      'r||1|||"lobby"\n{}', // no node
      'm|n|1|2|x|0|"lobby"',
      'm|n|1|2|j|0|"lobby"\nbody',
      'p|n\n{"userId":1}',
      'p|n\nnot json',
      'p|n\n{"userId":1,"username":"a","status":"away","rooms":[]}',
      'p|n\n{"userId":1,"username":"a","status":"online","rooms":[1]}',
    ]) {
      assert.equal(decodeBrokerMessage(wire), undefined, wire);
    }
  });
});
