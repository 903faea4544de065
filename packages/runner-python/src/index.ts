export { createPythonRunner, PythonRunner, type PythonRunnerOptions } from './python-runner.js';
export { fetchRuntimeFiles, type DownloadProgress } from './assets.js';
export { RUNTIME_FILES, type RuntimeFileName } from './messages.js';
