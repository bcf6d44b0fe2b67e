/** Turns a text frame into a command of the table and its validated value, or says why not. */
import type { Command } from './command.js';

/** A validated command: its declaration, and the value its schema produced. */
export interface ParsedCommand {
  readonly ok: true;
  readonly command: Command;
  readonly value: { readonly id?: string | undefined; readonly type: string };
}

export type ParseResult = ParsedCommand | { readonly ok: false; readonly message: string; readonly id: string | undefined };

export function parseCommand(frame: string, commands: ReadonlyMap<string, Command>): ParseResult {
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
  const command = typeof record.type === 'string' ? commands.get(record.type) : undefined;
  if (command === undefined) {
    const shown = typeof record.type === 'string' ? `"${record.type.slice(0, 32)}"` : 'missing';
    return { ok: false, message: `unknown command type (${shown})`, id };
  }
  const parsed = command.schema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue !== undefined && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, message: `${path}${issue?.message ?? 'invalid command'}`, id };
  }
  return { ok: true, command, value: parsed.data as ParsedCommand['value'] };
}
