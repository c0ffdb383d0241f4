// Placeholder: the Electron shell is added with the window.
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';

app.whenReady().then(() => {
  const window = new BrowserWindow({
    webPreferences: { preload: join(import.meta.dirname, '../preload/index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  void window.loadFile(join(import.meta.dirname, '../renderer/index.html'));
});
