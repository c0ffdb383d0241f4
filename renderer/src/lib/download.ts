import type { ExportedConversation } from '../bridge/types';

/** Saves an exported conversation through the browser's download (Electron shows its save dialog). */
export function download(file: ExportedConversation): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: `${file.mimeType};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
