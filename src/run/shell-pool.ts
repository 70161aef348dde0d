import { ShellServer } from './shell-server.js';

/** Idle shell servers, reused across stages and runs of this process; busy ones are not pooled. */
export class ShellPool {
  readonly #idle: ShellServer[] = [];
  readonly baseEnv: Readonly<Record<string, string>>;

  constructor(baseEnv: Readonly<Record<string, string>>) {
    this.baseEnv = baseEnv;
  }

  acquire(): ShellServer {
    for (let server = this.#idle.pop(); server !== undefined; server = this.#idle.pop()) if (server.alive) return server;
    return new ShellServer(this.baseEnv);
  }

  release(server: ShellServer): void {
    if (server.alive) this.#idle.push(server);
  }

  /** Lets a server exit instead of serving again: what its last job left running keeps its pipes. */
  retire(server: ShellServer): void {
    server.close();
  }

  /** The variables of `env` that differ from the servers' own; undefined if one must be removed. */
  envDifference(env: Readonly<Record<string, string>>): Record<string, string> | undefined {
    for (const name of Object.keys(this.baseEnv)) if (!(name in env)) return undefined;
    const difference: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) if (this.baseEnv[name] !== value) difference[name] = value;
    return difference;
  }
}
