export declare const ALLOW_ROOT_FLAG: string;
export declare function sandboxDecision(input: {
  euid: number | null;
  argv: string[];
}): { ok: true; electronArgs: string[]; warning: string | null } | { ok: false; message: string };
