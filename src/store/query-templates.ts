/**
 * Queries built and compiled once per shape, then run with new values. For the small
 * statements of the append path, Kysely's building and compiling (tens of microseconds for a
 * multi-row INSERT) cost more than SQLite takes to run them; a template skips both and hands
 * the driver the same SQL text, which the SQLite statement cache then finds prepared.
 */
import type { Compilable, CompiledQuery } from 'kysely';

/** Stands for the value at `index` of a run's values while the template is compiled. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A placeholder for the run's value at `index`, typed `never` so that it fits any column of a
 * query builder. Only the parameters of the compiled query ever hold it.
 */
export type Placeholder = (index: number) => never;

/** Templates with more bound values than this are not kept: rare, large, and costly to hold. */
const MAX_TEMPLATE_VALUES = 2048;

/** Compiled templates by shape, the least recently added dropped past `capacity`. */
export class QueryTemplates {
  readonly #capacity: number;
  readonly #templates = new Map<string, { readonly compiled: CompiledQuery<unknown>; readonly slots: readonly (number | undefined)[] }>();

  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  /**
   * The query `build` makes, with `values[i]` wherever it used `placeholder(i)`. `shape` names
   * everything about the SQL text but the values (the dialect, the number of rows): two calls
   * with the same shape must build the same SQL. `build` runs only when the shape is new.
   */
  bind<R>(shape: string, values: readonly unknown[], build: (placeholder: Placeholder) => Compilable<R>): CompiledQuery<R> {
    if (values.length > MAX_TEMPLATE_VALUES) return build((index) => values[index] as never).compile();
    let template = this.#templates.get(shape);
    if (template === undefined) {
      const compiled = build((index) => new Slot(index) as never).compile() as CompiledQuery<unknown>;
      // Parameters that are not slots are the query's own constants; they stay as compiled.
      template = { compiled, slots: compiled.parameters.map((parameter) => (parameter instanceof Slot ? parameter.index : undefined)) };
      if (this.#templates.size >= this.#capacity) this.#templates.delete(this.#templates.keys().next().value!);
      this.#templates.set(shape, template);
    }
    const { compiled, slots } = template;
    const parameters = slots.map((slot, i) => (slot === undefined ? compiled.parameters[i] : values[slot]));
    return { query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters } as CompiledQuery<R>;
  }
}
