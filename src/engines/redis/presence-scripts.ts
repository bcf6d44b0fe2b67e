/**
 * The Lua scripts behind `RedisPresence`: every transition runs in one script, so it is atomic
 * and each "online" or "offline" is claimed by exactly one node.
 *
 * Keys (all under one hash tag, so a cluster keeps them in one slot and scripts may touch any;
 * <base> is `{<prefix>presence}:`, the deployment's prefix inside the tag):
 *   <base>nodes        SET    node ids that may hold connections
 *   <base>hb:<node>    STRING the node's heartbeat, expiring after nodeTimeoutMs
 *   <base>n:<node>     SET    user ids the node holds connections of
 *   <base>u:<user>     HASH   <node> → open connections there; `!` → `on` (announced online)
 *                             or `grace` (no connection left, offline not announced yet);
 *                             `!a` → the user's availability (active, away, dnd). The hash goes
 *                             when the user goes offline, the availability with it.
 *   <base>grace        ZSET   user id → when its grace period ends (Redis time, ms)
 *
 * Every script gets KEYS[1] = <base>nodes (it routes the call to the right shard) and
 * ARGV[1] = <base>. Times come from Redis (`TIME`), so node clocks do not matter.
 */

/** Shared helpers, prepended to each script. */
const PRELUDE = `
local base = ARGV[1]
local nodes = KEYS[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function alive(node)
  return redis.call('EXISTS', base .. 'hb:' .. node) == 1
end
-- Open connections of a user on live nodes (fields of nodes whose heartbeat expired do not count).
local function live_count(ukey)
  local all = redis.call('HGETALL', ukey)
  local n = 0
  for i = 1, #all, 2 do
    local field = all[i]
    -- Fields starting with '!' are the user's own (status, availability), not nodes.
    if string.sub(field, 1, 1) ~= '!' then
      local c = tonumber(all[i + 1]) or 0
      if c > 0 and alive(field) then n = n + c end
    end
  end
  return n
end
-- Refreshes the node's heartbeat; 1 when it had expired (or never existed): a resync is due.
local function ensure_alive(node, ttl)
  local hb = base .. 'hb:' .. node
  if redis.call('SET', hb, '1', 'PX', ttl, 'XX') then return 0 end
  redis.call('SET', hb, '1', 'PX', ttl)
  redis.call('SADD', nodes, node)
  return 1
end
-- A node's field of the user is gone. With no live connection left, an announced user either
-- enters the grace period (returns 2, ms) or, with no grace, goes offline now (returns 1).
local function after_removal(uid, grace)
  local ukey = base .. 'u:' .. uid
  if live_count(ukey) > 0 then return 0, 0 end
  if redis.call('HGET', ukey, '!') ~= 'on' then return 0, 0 end
  if grace <= 0 then
    redis.call('DEL', ukey)
    return 1, 0
  end
  redis.call('HSET', ukey, '!', 'grace')
  redis.call('ZADD', base .. 'grace', now_ms() + grace, uid)
  return 2, grace
end
-- Ends a due grace period: 1 when the user goes offline now (the caller announces it).
local function expire_grace(uid)
  local ukey = base .. 'u:' .. uid
  redis.call('ZREM', base .. 'grace', uid)
  if redis.call('HGET', ukey, '!') ~= 'grace' then return 0 end
  if live_count(ukey) > 0 then
    redis.call('HSET', ukey, '!', 'on')
    return 0
  end
  redis.call('DEL', ukey)
  return 1
end
`;

const script = (body: string): string => `${PRELUDE}\n${body}`;

/**
 * A connection opened. ARGV: base, node, ttl, user, connections of the user on this node, the
 * user's stored availability (kept only when the user has none yet: an online user's may be newer).
 * Returns { 1 if the user came online (announce it), 1 if the node must resync, live total }.
 */
export const CONNECT = script(`
local node, ttl, uid, count, availability = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local stale = ensure_alive(node, ttl)
local ukey = base .. 'u:' .. uid
redis.call('HSET', ukey, node, count)
redis.call('HSETNX', ukey, '!a', availability)
redis.call('SADD', base .. 'n:' .. node, uid)
redis.call('ZREM', base .. 'grace', uid)
local status = redis.call('HGET', ukey, '!')
local announce = 0
if status ~= 'on' then
  if not status then announce = 1 end
  redis.call('HSET', ukey, '!', 'on')
end
return { announce, stale, live_count(ukey) }
`);

/**
 * A connection closed. ARGV: base, node, ttl, user, connections left on this node, grace ms.
 * Returns { 0 nothing | 1 offline now | 2 grace started, 1 if the node must resync, grace ms }.
 */
export const DISCONNECT = script(`
local node, ttl, uid, count, grace = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local stale = ensure_alive(node, ttl)
local ukey = base .. 'u:' .. uid
if count > 0 then
  redis.call('HSET', ukey, node, count)
  return { 0, stale, 0 }
end
redis.call('HDEL', ukey, node)
redis.call('SREM', base .. 'n:' .. node, uid)
local outcome, ms = after_removal(uid, grace)
return { outcome, stale, ms }
`);

/**
 * A grace timer fired. ARGV: base, user.
 * Returns -1 (nothing to announce), 0 (offline now: announce it) or the ms still to wait.
 */
export const EXPIRE = script(`
local uid = ARGV[2]
local deadline = redis.call('ZSCORE', base .. 'grace', uid)
if not deadline then return -1 end
local left = tonumber(deadline) - now_ms()
if left > 0 then return left end
if expire_grace(uid) == 1 then return 0 end
return -1
`);

/**
 * The periodic heartbeat and sweep. ARGV: base, node, ttl, budget, slack ms.
 * Refreshes this node's heartbeat; ends grace periods overdue by `slack` (their node should have
 * done it: it died or left); reaps nodes whose heartbeat expired: removes their fields (SPOP, so
 * each user is handled once whoever sweeps) and takes offline users left with no live node.
 * At most `budget` users per call. Returns { 1 if this node must resync, users now offline,
 * 1 if work is left }.
 */
export const TICK = script(`
local node, ttl, budget, slack = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local stale = ensure_alive(node, ttl)
local offline = {}
local due = redis.call('ZRANGEBYSCORE', base .. 'grace', '-inf', now_ms() - slack, 'LIMIT', 0, budget)
for _, uid in ipairs(due) do
  if expire_grace(uid) == 1 then offline[#offline + 1] = uid end
end
budget = budget - #due
local more = 0
if budget <= 0 then more = 1 end
for _, dead in ipairs(redis.call('SMEMBERS', nodes)) do
  if budget <= 0 then break end
  if not alive(dead) then
    local nkey = base .. 'n:' .. dead
    local users = redis.call('SPOP', nkey, budget)
    budget = budget - #users
    for _, uid in ipairs(users) do
      local ukey = base .. 'u:' .. uid
      redis.call('HDEL', ukey, dead)
      if live_count(ukey) == 0 and redis.call('HGET', ukey, '!') == 'on' then
        redis.call('DEL', ukey)
        offline[#offline + 1] = uid
      end
    end
    if redis.call('SCARD', nkey) == 0 then
      redis.call('SREM', nodes, dead)
    else
      more = 1
    end
  end
end
return { stale, offline, more }
`);

/**
 * Makes Redis hold exactly this node's connections, from the node's own records (after a Redis
 * outage, or after the node was taken for dead and reaped). ARGV: base, node, ttl, grace ms,
 * then user, count, availability triples (the availability only fills in a missing one).
 * Returns { users to announce online, users offline now, users whose grace period started }.
 */
export const RESYNC = script(`
local node, ttl, grace = ARGV[2], ARGV[3], tonumber(ARGV[4])
ensure_alive(node, ttl)
local nkey = base .. 'n:' .. node
local wanted = {}
for i = 5, #ARGV, 3 do wanted[ARGV[i]] = true end
local online, offline, graced = {}, {}, {}
for _, uid in ipairs(redis.call('SMEMBERS', nkey)) do
  if not wanted[uid] then
    redis.call('HDEL', base .. 'u:' .. uid, node)
    redis.call('SREM', nkey, uid)
    local outcome = after_removal(uid, grace)
    if outcome == 1 then offline[#offline + 1] = uid elseif outcome == 2 then graced[#graced + 1] = uid end
  end
end
for i = 5, #ARGV, 3 do
  local uid = ARGV[i]
  local ukey = base .. 'u:' .. uid
  redis.call('HSET', ukey, node, ARGV[i + 1])
  redis.call('HSETNX', ukey, '!a', ARGV[i + 2])
  redis.call('SADD', nkey, uid)
  redis.call('ZREM', base .. 'grace', uid)
  local status = redis.call('HGET', ukey, '!')
  if not status then online[#online + 1] = uid end
  if status ~= 'on' then redis.call('HSET', ukey, '!', 'on') end
end
return { online, offline, graced }
`);

/**
 * The node leaves. ARGV: base, node, grace ms. Its users left with no connection enter the grace
 * period (the other nodes' sweep ends it), so clients that reconnect elsewhere do not flap.
 * Returns the users offline now (grace 0).
 */
export const GOODBYE = script(`
local node, grace = ARGV[2], tonumber(ARGV[3])
local nkey = base .. 'n:' .. node
local offline = {}
for _, uid in ipairs(redis.call('SMEMBERS', nkey)) do
  redis.call('HDEL', base .. 'u:' .. uid, node)
  if after_removal(uid, grace) == 1 then offline[#offline + 1] = uid end
end
redis.call('DEL', nkey, base .. 'hb:' .. node)
redis.call('SREM', nodes, node)
return offline
`);

/**
 * Which users are online. ARGV: base, users… Returns 1 or 0 for each: online while a live node
 * holds a connection of theirs or during their grace period.
 */
export const ONLINE = script(`
local result = {}
for i = 2, #ARGV do
  local ukey = base .. 'u:' .. ARGV[i]
  local online = 0
  if redis.call('HGET', ukey, '!') == 'grace' or live_count(ukey) > 0 then online = 1 end
  result[#result + 1] = online
end
return result
`);

/** Open connections of a user on live nodes. ARGV: base, user. */
export const COUNT = script(`
return live_count(base .. 'u:' .. ARGV[2])
`);

/**
 * An online user chose an availability. ARGV: base, user, availability. Returns 1 when it changed
 * (the caller announces it), 0 when it was already that or the user is not online.
 */
export const SET_AVAILABILITY = script(`
local ukey = base .. 'u:' .. ARGV[2]
if redis.call('HEXISTS', ukey, '!') == 0 then return 0 end
if redis.call('HGET', ukey, '!a') == ARGV[3] then return 0 end
redis.call('HSET', ukey, '!a', ARGV[3])
return 1
`);

/**
 * Which users are online, with their availability. ARGV: base, default availability, users…
 * Returns, for each user, the availability when online (as ONLINE decides) or '' when offline.
 */
export const STATUSES = script(`
local fallback = ARGV[2]
local result = {}
for i = 3, #ARGV do
  local ukey = base .. 'u:' .. ARGV[i]
  local value = ''
  if redis.call('HGET', ukey, '!') == 'grace' or live_count(ukey) > 0 then
    value = redis.call('HGET', ukey, '!a') or fallback
  end
  result[#result + 1] = value
end
return result
`);
