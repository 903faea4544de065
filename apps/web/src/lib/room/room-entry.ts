import type { Role } from '@interview/protocol';

/**
 * Whether to ask for a display name before entering. Candidates always
 * confirm the name they show the first time in a room (prefilled if known);
 * interviewers only when the browser has no name for them yet.
 */
export function needsJoinForm(role: Role, remembered: string | null, joinedHere: string | null): boolean {
  if (joinedHere !== null) return false;
  if (role === 'candidate') return true;
  return remembered === null;
}

export const ROLE_LABELS: Record<Role, string> = {
  interviewer: 'Interviewer',
  candidate: 'Candidate',
};
