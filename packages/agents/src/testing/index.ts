export { startModelServer } from './model-server.js';
export type {
  ModelApi,
  ModelServer,
  ModelServerOptions,
  ModelServerRequest,
  ModelStep,
  ScriptedToolCall,
} from './model-server.js';
