/** Configuration: environment variables in, a validated and frozen `Config` out. */
export type { AllowedOrigins, Config, LogLevel, NodeEnv } from './config.js';
export { ConfigError, type ConfigIssue } from './config-error.js';
export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { resolveJwtSecret, JWT_SECRET_FILE, MIN_JWT_SECRET_LENGTH } from './jwt-secret.js';
export { SETTINGS, settingsTable, settingsMarkdown, type Setting, type SettingRow, type SettingValues } from './settings.js';
export { resolveDataDir, sqliteFilePath } from './data-dir.js';
