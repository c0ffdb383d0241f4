// Placeholder: the window's typed bridge is added with the window.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('brook', {});
