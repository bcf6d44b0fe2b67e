/** Turns a text frame into a validated command, or a typed reason why it is not one. */
import type { ClientCommand } from '../../protocol/commands.js';
import { commandSchemas, isCommandType } from '../../protocol/commands.js';

export type ParseResult =
  | { readonly ok: true; readonly command: ClientCommand }
  | { readonly ok: false; readonly message: string; readonly id: string | undefined };

export function parseCommand(frame: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { ok: false, message: 'frame is not valid JSON', id: undefined };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'a command is a JSON object', id: undefined };
  }
  const record = value as Record<string, unknown>;
  // Echo the id even when the rest is wrong, so the client can match the error to its command.
  const id = typeof record.id === 'string' && record.id.length <= 64 ? record.id : undefined;
  if (!isCommandType(record.type)) {
    const shown = typeof record.type === 'string' ? `"${record.type.slice(0, 32)}"` : 'missing';
    return { ok: false, message: `unknown command type (${shown})`, id };
  }
  const parsed = commandSchemas[record.type].safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue !== undefined && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, message: `${path}${issue?.message ?? 'invalid command'}`, id };
  }
  return { ok: true, command: parsed.data as ClientCommand };
}
