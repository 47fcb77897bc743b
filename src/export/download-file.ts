/** Offers `text` to the user as a downloaded file. */
export function downloadFile(fileName: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy of the data once it starts; the URL can go after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
