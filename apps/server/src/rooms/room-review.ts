import * as Y from 'yjs';
import {
  ChannelText,
  DocumentChannel,
  isLanguage,
  MetaKey,
  RoomDocument,
  RoomSettings,
  type RoomReview,
} from '@interview/protocol';
import type { RoomRecord, RoomStore, StoredDocument } from '../storage/room-store.js';
import { participantView, roomStatusView, runView, signalView } from './record-views.js';

/**
 * A document as storage holds it: its snapshot, then every later update.
 * Every update was applied by the relay before it was stored, so one that
 * fails here means damage on disk; the rest still counts.
 */
function rebuild(stored: StoredDocument, onDamage: (error: unknown) => void): Y.Doc {
  const doc = new Y.Doc();
  for (const update of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) {
    try {
      Y.applyUpdate(doc, update);
    } catch (error) {
      onDamage(error);
    }
  }
  return doc;
}

/**
 * Everything an interviewer reviews after an interview, read from storage:
 * the code and language as they stand, the statement and its question, the
 * private notes, and the room's record (runs, signals, attendance).
 */
export async function roomReview(
  store: RoomStore,
  room: RoomRecord,
  options: { now: Date; onDamage: (channel: DocumentChannel, error: unknown) => void },
): Promise<RoomReview> {
  const [main, statement, notes, runs, signals, participants] = await Promise.all([
    store.loadDocument(room.id, DocumentChannel.main),
    store.loadDocument(room.id, DocumentChannel.statement),
    store.loadDocument(room.id, DocumentChannel.notes),
    store.listRuns(room.id),
    store.listSignals(room.id),
    store.listParticipants(room.id),
  ]);
  const mainDoc = rebuild(main, (error) => options.onDamage(DocumentChannel.main, error));
  const statementDoc = rebuild(statement, (error) => options.onDamage(DocumentChannel.statement, error));
  const notesDoc = rebuild(notes, (error) => options.onDamage(DocumentChannel.notes, error));
  try {
    const language = mainDoc.getMap(RoomDocument.meta).get(MetaKey.language);
    const questionId = statementDoc.getMap(RoomSettings.map).get(RoomSettings.questionId);
    return {
      roomId: room.id,
      title: room.title,
      createdAt: room.createdAt.toISOString(),
      status: roomStatusView(room.ended),
      language: isLanguage(language) ? language : room.language,
      code: mainDoc.getText(RoomDocument.code).toString(),
      statement: statementDoc.getText(ChannelText.statement).toString(),
      notes: notesDoc.getText(ChannelText.notes).toString(),
      questionId: typeof questionId === 'string' ? questionId : null,
      runs: runs.map(runView),
      signals: signals.map(signalView),
      participants: participants.map(participantView),
      generatedAt: options.now.toISOString(),
    };
  } finally {
    mainDoc.destroy();
    statementDoc.destroy();
    notesDoc.destroy();
  }
}
