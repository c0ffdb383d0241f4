// The Bridge's command methods, derived from the one command table: each method turns its arguments into the
// command's payload and hands it to a transport (IPC in Electron, HTTP in a browser).
import { BRIDGE_COMMANDS, commandPayload, type BridgeCommand } from '../../../electron/core/wire/bridgeCommands.js';
import type { Bridge } from './types';

/** The methods of the Bridge that are commands (the rest are `mode` and the event subscriptions). */
export type BridgeCommands = Pick<Bridge, BridgeCommand>;

/** Runs one command; rejects with a BridgeError that keeps the error's type. */
export type CommandCall = (command: BridgeCommand, payload: Record<string, unknown>) => Promise<unknown>;

export function commandMethods(call: CommandCall): BridgeCommands {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const command of Object.keys(BRIDGE_COMMANDS) as BridgeCommand[]) {
    methods[command] = (...args) => call(command, commandPayload(command, args));
  }
  return methods as unknown as BridgeCommands;
}
