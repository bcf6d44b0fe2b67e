/** The error for a configuration that cannot be used; its message names every bad key. */

/** One problem with one environment variable. */
export interface ConfigIssue {
  /** The environment variable, e.g. `PORT`. */
  readonly key: string;
  /** What is wrong, e.g. `must be an integer between 0 and 65535 (got "abc")`. */
  readonly message: string;
}

/**
 * Thrown by `loadConfig` and `resolveJwtSecret`. The message lists each issue on its own line
 * as `KEY: problem`, so an operator can fix them all in one go.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `${issue.key}: ${issue.message}`);
    super(lines.length === 1 ? `invalid configuration: ${lines[0]}` : `invalid configuration:\n  ${lines.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = Object.freeze([...issues]);
  }
}
