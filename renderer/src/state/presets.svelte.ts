import type { ChatSettings } from '../bridge/types';
import { load, save } from './storage';

const KEY = 'brook.presets';

export interface Preset {
  name: string;
  settings: ChatSettings;
}

interface Stored {
  /** What new chats start with, when the user chose; null: Brook's defaults. */
  defaults: ChatSettings | null;
  presets: Preset[];
}

const isStored = (value: unknown): value is Stored =>
  typeof value === 'object' && value !== null && Array.isArray((value as Stored).presets) && 'defaults' in value;

/** Named presets (system prompt and sampling) and the settings new chats start with, kept in this window. */
export class PresetsState {
  defaults = $state<ChatSettings | null>(null);
  presets = $state<Preset[]>([]);

  constructor() {
    const stored = load<Stored>(KEY, { defaults: null, presets: [] }, isStored);
    this.defaults = stored.defaults;
    this.presets = stored.presets.filter((p) => typeof p?.name === 'string' && typeof p.settings === 'object');
  }

  /** Saves (or replaces, by name) a preset. */
  savePreset(name: string, settings: ChatSettings): void {
    const trimmed = name.trim().slice(0, 60);
    if (!trimmed) return;
    this.presets = [...this.presets.filter((p) => p.name !== trimmed), { name: trimmed, settings: { ...settings } }].sort((a, b) => a.name.localeCompare(b.name));
    this.persist();
  }

  deletePreset(name: string): void {
    this.presets = this.presets.filter((p) => p.name !== name);
    this.persist();
  }

  setDefaults(settings: ChatSettings | null): void {
    this.defaults = settings ? { ...settings } : null;
    this.persist();
  }

  private persist(): void {
    save(KEY, { defaults: this.defaults, presets: this.presets });
  }
}
