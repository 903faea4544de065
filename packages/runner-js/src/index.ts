export {
  createJavaScriptRunner,
  DEFAULT_HARNESS_URL,
  JavaScriptRunner,
  SANDBOX_LOST_MESSAGE,
  type JavaScriptRunnerOptions,
} from './javascript-runner.js';
export { HARNESS_CSP, SANDBOX_POLICY } from './harness/csp.js';
export { OUTPUT_LIMIT_CHARS, TRUNCATION_NOTICE } from './limits.js';
export { PROTOCOL_VERSION } from './messages.js';
export { USER_SCRIPT_NAME } from './stack-mapping.js';
