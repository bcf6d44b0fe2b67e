/** The wire contract: schemas, types and codes shared by server, SDK, web app and load tool. */
export * from './names.js';
export * from './name-schemas.js';
export * from './limits.js';
export * from './availability.js';
export * from './text.js';
export * from './codes.js';
export * from './commands.js';
export * from './events.js';
export * from './http.js';
