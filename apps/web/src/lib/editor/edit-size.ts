import { EditorState, type Extension, type Transaction } from '@codemirror/state';

/** What the server takes: one edit must fit in one message, a document in its size limit. */
export interface EditLimits {
  maxMessageBytes: number;
  maxDocumentBytes: number;
}

/**
 * Room left in a message for what Yjs and the frame add around the text
 * (ids, lengths, the position it goes to): a few dozen bytes for one
 * insert; the margin covers a paste at many cursors.
 */
const MESSAGE_OVERHEAD_BYTES = 4096;
/** The server counts the document as Yjs encodes it, which adds to its text: stay well under. */
const DOCUMENT_TEXT_SHARE = 0.8;

const utf8 = new TextEncoder();

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/**
 * Why the server would refuse this edit, or null. Only what a person does
 * in this editor is checked (typing, pasting, dropping); edits from others
 * arrive through Yjs and were accepted already. Refused here, an edit never
 * leaves the browser: sent, it would close the connection, and the copy
 * kept in the browser would send it again on every reconnect.
 */
export function editRefusal(transaction: Transaction, limits: EditLimits): string | null {
  if (!transaction.docChanged || !transaction.isUserEvent('input')) return null;
  let inserted = 0;
  transaction.changes.iterChanges((_fromA, _toA, _fromB, _toB, text) => {
    inserted += text.length;
  });
  // A character is at most 3 bytes of UTF-8 (4 for a surrogate pair, which is 2 characters): typing is never measured.
  if (inserted * 3 + MESSAGE_OVERHEAD_BYTES <= limits.maxMessageBytes && inserted < 1024) return null;
  let insertedBytes = 0;
  transaction.changes.iterChanges((_fromA, _toA, _fromB, _toB, text) => {
    insertedBytes += utf8.encode(text.toString()).length;
  });
  const maxEdit = limits.maxMessageBytes - MESSAGE_OVERHEAD_BYTES;
  if (insertedBytes > maxEdit) {
    return `This edit is too large to save: ${formatBytes(insertedBytes)} at once, and the server takes at most ${formatBytes(maxEdit)}. Nothing was inserted.`;
  }
  const maxText = Math.floor(limits.maxDocumentBytes * DOCUMENT_TEXT_SHARE);
  const documentBytes = utf8.encode(transaction.newDoc.toString()).length;
  if (documentBytes > maxText) {
    return `This edit would make the document too large to save: the server keeps about ${formatBytes(maxText)} of text per document. Nothing was inserted.`;
  }
  return null;
}

/**
 * Drops edits the server would refuse, and says why through `onRefused`.
 * `limits` is read at each edit: null (not known yet) lets every edit through.
 */
export function editSizeGuard(limits: () => EditLimits | null, onRefused: (why: string) => void): Extension {
  return EditorState.transactionFilter.of((transaction) => {
    const current = limits();
    const refusal = current ? editRefusal(transaction, current) : null;
    if (refusal === null) return transaction;
    // Told after the filter ran: the view is mid-update here.
    queueMicrotask(() => onRefused(refusal));
    return [];
  });
}
