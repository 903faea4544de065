import { LANGUAGE_LABELS, type ParticipantRecordView, type RoomReview, type RunRecordView, type SignalRecordView } from '@interview/protocol';
import { fencedBlock, inlineCode, inlineText, quotedMarkdown } from './markdown-text.js';
import { authorLabel, describeSignal, formatDuration, runStatusLabel, type TimeFormat } from './review-format.js';

/**
 * The review as a Markdown report an interviewer can keep or paste into a
 * hiring tool. Pure: everything it shows comes from the review and the
 * time format, so a test pins the output exactly. Text from participants
 * goes through `markdown-text.ts`: names and titles cannot add structure,
 * code and output sit in fences they cannot close, statement and notes in
 * block quotes they cannot leave.
 */
export function reviewToMarkdown(review: RoomReview, time: TimeFormat): string {
  const blocks: string[] = [
    `# Interview review: ${inlineText(review.title) || 'Untitled room'}`,
    summary(review, time),
    '## Participants',
    review.participants.length === 0 ? '_Nobody joined._' : review.participants.map((p) => participantItem(p, review, time)).join('\n'),
    '## Statement',
    review.statement.trim() === '' ? '_No statement._' : quotedMarkdown(review.statement),
    `## Final code (${LANGUAGE_LABELS[review.language]})`,
    fencedBlock(review.code, review.language),
    `## Runs (${review.runs.length})`,
    ...(review.runs.length === 0 ? ['_Nothing was run._'] : review.runs.flatMap((run, index) => runBlocks(run, index, review, time))),
    `## Signals (${review.signals.length})`,
    review.signals.length === 0 ? '_No signals._' : review.signals.map((signal) => signalItem(signal, review, time)).join('\n'),
    '## Private notes',
    review.notes.trim() === '' ? '_No notes._' : quotedMarkdown(review.notes),
  ];
  return `${blocks.join('\n\n')}\n`;
}

/**
 * A time of the interview, short when it is on the day the room was created.
 * Escaped too: an unparsable timestamp comes back as the raw value.
 */
function at(iso: string, review: RoomReview, time: TimeFormat): string {
  return inlineText(time.moment(iso, review.createdAt));
}

function summary(review: RoomReview, time: TimeFormat): string {
  const { status } = review;
  const ended = status.ended
    ? `Ended${status.endedAt ? ` ${inlineText(time.dateTime(status.endedAt))}` : ''}${status.endedBy ? ` by ${inlineText(status.endedBy)}` : ''}`
    : 'Still open (not ended)';
  const items = [
    `**Status:** ${ended}`,
    `**Created:** ${inlineText(time.dateTime(review.createdAt))}`,
    `**Language:** ${LANGUAGE_LABELS[review.language]}`,
    `**Room:** ${inlineCode(review.roomId)}`,
    ...(review.questionId ? [`**Question:** ${inlineCode(review.questionId)}`] : []),
    `**Report generated:** ${inlineText(time.dateTime(review.generatedAt))}`,
    `Times are in ${inlineText(time.zoneName(review.createdAt))}; a time without a date is on the day the room was created.`,
  ];
  return items.map((item) => `- ${item}`).join('\n');
}

function participantItem(participant: ParticipantRecordView, review: RoomReview, time: TimeFormat): string {
  const left = participant.leftAt ? `left ${at(participant.leftAt, review, time)}` : 'no leave recorded';
  return `- ${inlineText(authorLabel(participant))}: joined ${at(participant.joinedAt, review, time)}, ${left}`;
}

/** Whether the error is already in the output (a traceback printed to stderr), so it is not shown twice. */
export function errorShownSeparately(run: RunRecordView): string | null {
  return run.error && !run.output.includes(run.error) ? run.error : null;
}

function runBlocks(run: RunRecordView, index: number, review: RoomReview, time: TimeFormat): string[] {
  const facts = [
    `**By:** ${inlineText(authorLabel(run.by))}`,
    `**Started:** ${at(run.startedAt, review, time)}`,
    `**Duration:** ${run.durationMs === null ? 'not reported' : formatDuration(run.durationMs)}`,
  ];
  const error = errorShownSeparately(run);
  return [
    `### Run ${index + 1}: ${LANGUAGE_LABELS[run.language]}, ${runStatusLabel(run.status)}`,
    facts.map((fact) => `- ${fact}`).join('\n'),
    'Code:',
    fencedBlock(run.code, run.language),
    'Output:',
    run.output === '' ? '_No output._' : fencedBlock(run.output, 'text'),
    ...(error === null ? [] : ['Error:', fencedBlock(error, 'text')]),
  ];
}

function signalItem(signal: SignalRecordView, review: RoomReview, time: TimeFormat): string {
  return `- ${at(signal.at, review, time)} — ${inlineText(authorLabel(signal.by))}: ${describeSignal(signal)}`;
}
