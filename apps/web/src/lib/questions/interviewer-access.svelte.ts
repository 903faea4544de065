import { fetchClientConfig } from '../api.js';
import { reportError } from '../report.js';
import { forgetPasscode, rememberedPasscode, rememberPasscode } from '../storage.js';
import { accessAfterFailure, initialAccess, normalizePasscode, type AccessPhase } from './passcode-flow.js';

/**
 * The interviewer passcode for this tab: asks for it up front when the
 * server says it needs one, keeps it in sessionStorage, and asks again when
 * the server answers 401. Pages render `phase` and retry their calls when it
 * becomes `ready` again.
 */
export class InterviewerAccess {
  phase: AccessPhase = $state('checking');
  error: string | null = $state(null);
  passcode: string | null = rememberedPasscode();

  async start(): Promise<void> {
    try {
      const config = await fetchClientConfig();
      Object.assign(this, initialAccess(config.passcodeRequired, this.passcode));
    } catch (error) {
      // Without the configuration, try without asking: a 401 will ask.
      reportError('could not load the configuration', error);
      this.phase = 'ready';
    }
  }

  /** Calls an interviewer-only endpoint with the passcode; a 401 forgets it and asks again, then rethrows. */
  async call<T>(operation: (passcode: string | null) => Promise<T>): Promise<T> {
    try {
      return await operation(this.passcode);
    } catch (error) {
      const next = accessAfterFailure(error);
      if (next) {
        this.passcode = null;
        forgetPasscode();
        Object.assign(this, next);
      }
      throw error;
    }
  }

  /** The passcode the person typed; false when it was empty. */
  submit(raw: string): boolean {
    const passcode = normalizePasscode(raw);
    if (passcode === null) {
      this.error = 'Enter the interviewer passcode.';
      return false;
    }
    this.passcode = passcode;
    rememberPasscode(passcode);
    this.error = null;
    this.phase = 'ready';
    return true;
  }
}
