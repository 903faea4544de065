/**
 * Saves text as a file through a temporary object URL and a `download`
 * link: no server round trip, so the review never leaves the browser again.
 */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel a download that has not started yet; a minute later nothing needs the URL.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
