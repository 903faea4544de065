/**
 * The inserts of a chaos run: each a mark that names its author and its
 * number, like `«r0c1#17»`, so that every insert is told apart and can be
 * looked for in a document. Typists put marks only between two marks or at
 * either end of the text, never inside a mark nor inside the seeded starter
 * code, so every mark stays whole wherever concurrent edits land and a
 * document reads as the starter code with marks around it.
 */

const MARK = /«[^«»]*»/g;

export function markText(author: string, n: number): string {
  return `«${author}#${n}»`;
}

/** The marks of a text, in order, and what is left once they are taken out. */
export function readMarks(text: string): { marks: string[]; rest: string } {
  return { marks: text.match(MARK) ?? [], rest: text.replace(MARK, '') };
}

/** Where a mark may go without splitting another one or the starter code: both ends and right after each mark. */
export function markBoundaries(text: string): number[] {
  const boundaries = [0];
  for (const match of text.matchAll(MARK)) boundaries.push(match.index + match[0].length);
  if (boundaries[boundaries.length - 1] !== text.length) boundaries.push(text.length);
  return boundaries;
}
